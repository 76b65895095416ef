/**
 * Finding a WSO2 home and the config files each function lives in. This reads the file system
 * (directory listings only); everything after it works on the bytes it returns.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { KsError } from '../errors';

export type ConfDir = 'repository/conf' | 'conf';

export interface HomeLayout {
  home: string;
  confDir: ConfDir;
  /** 'toml' when deployment.toml generates the XML files at every start (kernel 4.5+). */
  era: 'xml' | 'toml';
  /** A short description for people, e.g. "Carbon 4.4.x layout (repository/conf)". */
  description: string;
  files: {
    carbon?: string;
    catalina?: string;
    axis2: string[];
    secPolicy?: string;
    deploymentToml?: string;
    cipherText?: string;
    cipherTool?: string;
  };
}

/** Every config file the layout names (the files this tool reads and edits itself), home-relative. */
export const managedFiles = (layout: HomeLayout): string[] => {
  const f = layout.files;
  return [f.carbon, f.catalina, f.secPolicy, f.deploymentToml, f.cipherText, f.cipherTool, ...f.axis2].filter((rel): rel is string => Boolean(rel));
};

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

export function detectHome(homeArg: string): HomeLayout {
  const home = resolve(homeArg);
  if (!existsSync(home) || !statSync(home).isDirectory()) {
    throw new KsError('HOME_NOT_FOUND', `${home} is not a directory`, { hint: 'Give the WSO2 product home (the folder that holds bin/ and repository/).' });
  }
  const candidates: ConfDir[] = ['repository/conf', 'conf'];
  for (const confDir of candidates) {
    const dir = join(home, confDir);
    const hasCarbon = isFile(join(dir, 'carbon.xml'));
    const hasToml = isFile(join(dir, 'deployment.toml'));
    if (!hasCarbon && !hasToml) continue;
    if (confDir === 'conf' && basename(home) === 'repository' && isFile(join(dirname(home), 'repository', 'conf', 'carbon.xml'))) {
      throw new KsError('HOME_NOT_FOUND', `${home} is the repository/ folder of a WSO2 home, not the home itself`, {
        hint: `Give the home: ${dirname(home)}`,
      });
    }
    const rel = (p: string) => `${confDir}/${p}`;
    const present = (p: string) => (isFile(join(home, rel(p))) ? rel(p) : undefined);
    let axis2: string[] = [];
    try {
      axis2 = readdirSync(join(dir, 'axis2'))
        .filter((n) => n.endsWith('.xml'))
        .sort()
        .map((n) => rel(`axis2/${n}`))
        .filter((p) => isFile(join(home, p)));
    } catch {
      /* no axis2 folder */
    }
    const era = hasToml ? 'toml' : 'xml';
    const description =
      era === 'toml'
        ? confDir === 'conf'
          ? 'Micro Integrator layout (conf/deployment.toml)'
          : 'deployment.toml layout (kernel 4.5+: IS 5.9+, APIM 3+)'
        : confDir === 'conf'
          ? 'EI 6.x / IoT Server layout (conf/)'
          : 'Carbon 4.4.x layout (repository/conf)';
    return {
      home,
      confDir,
      era,
      description,
      files: {
        carbon: present('carbon.xml'),
        catalina: present('tomcat/catalina-server.xml'),
        axis2,
        secPolicy: present('sec.policy'),
        deploymentToml: present('deployment.toml'),
        cipherText: present('security/cipher-text.properties'),
        cipherTool: present('security/cipher-tool.properties'),
      },
    };
  }
  throw new KsError('HOME_NOT_FOUND', `${home} is not a WSO2 home: found none of repository/conf/carbon.xml, conf/carbon.xml, repository/conf/deployment.toml, conf/deployment.toml`, {
    hint: 'Run from the product home, or give it as an argument (e.g. wso2-keystore scan /opt/wso2is-5.5.0).',
  });
}
