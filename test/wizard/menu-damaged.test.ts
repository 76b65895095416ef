/** The menu's restore choice, when the only checkpoint's manifest.json is damaged: named, not passed over. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runMenu } from '../../src/wizard/menu';
import { copyConfTree } from './pty';
import { fakeIo, scriptedPrompter } from './scripted';
import { FIXTURES } from '../helpers/home';
import { tmpDir } from '../helpers/keytool';

test('restore from the menu names the damaged checkpoint and says none can be restored by the tool', async () => {
  const dir = copyConfTree(join(FIXTURES, 'ei-6.2.0'), tmpDir('menu-damaged'));
  const id = '20261125T195216Z-3be2';
  mkdirSync(join(dir, '.wso2-keystore', 'backups', id, 'files'), { recursive: true });
  writeFileSync(join(dir, '.wso2-keystore', 'backups', id, 'manifest.json'), '{bad');
  writeFileSync(join(dir, '.wso2-keystore', 'backups', id, 'files', '0-carbon.xml'), '<Server/>');
  const { prompt } = scriptedPrompter([{ select: /What do you want to do/, answer: 'restore' }]);
  const f = fakeIo(dir);
  await expect(runMenu({ io: f.io, out: f.out, prompt })).resolves.toBe(0);
  expect(f.stdout()).toContain(`warning: .wso2-keystore/backups/${id} has no readable manifest.json, so this tool cannot list or restore it`);
  expect(f.stdout()).toContain(`No backups in ${dir} that this tool can restore.`);
  expect(f.stdout()).not.toContain('nothing has been applied');
});
