/**
 * The wizard's first table, "Keystores it uses now", on real homes: where each setting is written,
 * and for a setting the file leaves to the product's default (a deployment.toml table left out),
 * that it is the default, never a line 0.
 */
import { currentSettings } from '../../src/home/settings';
import { detectHome } from '../../src/home/layout';
import { readHomeFiles } from '../../src/home/read-files';
import { describeCurrent } from '../../src/wizard/functions';
import { copyHome } from '../helpers/home';

async function table(fx: string): Promise<string> {
  const layout = detectHome(copyHome(fx));
  return describeCurrent(currentSettings(layout, await readHomeFiles(layout)));
}

it('IS 5.11.0: internal and tls follow [keystore.primary] by default, and the table says so', async () => {
  const t = await table('is-5.11.0');
  expect(t).not.toMatch(/:0\b/);
  expect(t).toMatch(/^ {2}internal .*\(repository\/conf\/deployment\.toml, by default\)$/m);
  expect(t).toMatch(/^ {2}primary .*\(repository\/conf\/deployment\.toml:\d+\)$/m);
});

it('EI 6.2.0: every row names the file and line it comes from', async () => {
  const t = await table('ei-6.2.0');
  expect(t).not.toMatch(/by default/);
  for (const row of t.trimEnd().split('\n')) expect(row).toMatch(/\((conf\/[^:]+:\d+)( and \d+ more)?\)$/);
});
