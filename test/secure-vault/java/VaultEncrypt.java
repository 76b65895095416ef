import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.Base64;
import javax.crypto.Cipher;

/**
 * What WSO2's cipher tool does to each value (CipherTool.doEncryption): the public key of the
 * keystore's certificate, javax.crypto.Cipher with the given transformation ("RSA" by default in
 * Carbon 4.4), base64 of the result. Args: keystore file, type, store password, alias, transformation.
 * Reads one clear value per line on stdin, prints one encrypted value per line.
 */
public class VaultEncrypt {
    public static void main(String[] args) throws Exception {
        KeyStore ks = KeyStore.getInstance(args[1]);
        try (FileInputStream in = new FileInputStream(args[0])) {
            ks.load(in, args[2].toCharArray());
        }
        Cipher cipher = Cipher.getInstance(args[4]);
        cipher.init(Cipher.ENCRYPT_MODE, ks.getCertificate(args[3]).getPublicKey());
        BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            System.out.println(Base64.getEncoder().encodeToString(cipher.doFinal(line.getBytes(StandardCharsets.UTF_8))));
        }
    }
}
