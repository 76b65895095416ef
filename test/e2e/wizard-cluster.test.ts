/**
 * docs/cluster.md's Ansible playbook (samples/ansible/playbook.yml), run for real with `-c local`
 * against two fixture-home copies that stand for two nodes: both must report the apply step as
 * changed (read from the tool's --json), both homes must end up identical, and a second run must
 * change nothing. Skipped, with the reason logged, when ansible-playbook is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/home';
import { genKeyPair, hasKeytool, tmpDir } from '../helpers/keytool';
import { CLI, ROOT, copyConfTree, differences, ensureBuilt, snapshot } from '../wizard/pty';

const EI = join(FIXTURES, 'ei-6.2.0');
const PASS = 'cluster-pass';

function hasAnsible(): boolean {
  return spawnSync('ansible-playbook', ['--version'], { stdio: 'ignore' }).status === 0;
}

const ready = hasAnsible() && hasKeytool();
if (!ready) {
  // eslint-disable-next-line no-console
  console.warn(`skipping the Ansible cluster test: ${hasAnsible() ? 'keytool' : 'ansible-playbook (Debian package "ansible")'} is not installed (.ci/run installs it)`);
}

(ready ? describe : describe.skip)('cluster roll-out with the Ansible playbook', () => {
  test('two nodes: the apply task is changed on both, the homes match, a second run changes nothing', () => {
    ensureBuilt();
    const work = tmpDir('ansible');
    const ks = join(work, 'cluster.p12');
    genKeyPair({ file: ks, storeType: 'PKCS12', storePass: PASS, alias: 'clusterkey' });
    const homes = ['node1', 'node2'].map((n) => copyConfTree(EI, tmpDir(`ansible-${n}`)));
    const plan = join(work, 'plan.json');
    writeFileSync(
      plan,
      JSON.stringify({
        version: 1,
        keystores: { cluster: { path: 'repository/resources/security/cluster.p12', type: 'PKCS12', password: { env: 'WSO2KS_CLUSTER_PASS' }, alias: 'clusterkey' } },
        functions: { tls: 'cluster', axis2: 'cluster' },
      }),
    );
    const wrapper = join(work, 'wso2-keystore');
    writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(wrapper, 0o755);
    const inventory = join(work, 'inventory.ini');
    writeFileSync(
      inventory,
      ['[wso2]', ...homes.map((h, i) => `node${i + 1} ansible_connection=local wso2_home=${h} ansible_python_interpreter=/usr/bin/python3`), ''].join('\n'),
    );
    const vars = join(work, 'vars.json');
    const writeVars = (extra: object = {}) =>
      writeFileSync(vars, JSON.stringify({ keystore_src: ks, keystore_dest: 'repository/resources/security/cluster.p12', plan_src: plan, keystore_env: { WSO2KS_CLUSTER_PASS: PASS }, wso2_keystore: wrapper, ...extra }));
    writeVars();

    const play = () => {
      const out = execFileSync('ansible-playbook', ['-i', inventory, '-c', 'local', join(ROOT, 'samples', 'ansible', 'playbook.yml'), '-e', `@${vars}`], {
        encoding: 'utf8',
        env: { ...process.env, ANSIBLE_STDOUT_CALLBACK: 'json', ANSIBLE_HOME: join(work, '.ansible'), ANSIBLE_LOCAL_TEMP: join(work, '.ansible-tmp'), ANSIBLE_NOCOLOR: '1' },
      });
      const report = JSON.parse(out.slice(out.indexOf('{')));
      const task = report.plays[0].tasks.find((t: { task: { name: string } }) => t.task.name.startsWith('Apply the plan'));
      return { node1: task.hosts.node1.changed as boolean, node2: task.hosts.node2.changed as boolean, stats: report.stats };
    };

    // A rehearsal: the apply task is "ok", and no config file is touched (the keystore is copied in).
    const configs = (h: string) => [...snapshot(h)].filter(([f]) => f.startsWith('conf/')).map(([f, b]) => [f, b.toString('base64')]);
    const before = homes.map(configs);
    expect(before[0].length).toBeGreaterThan(10);
    writeVars({ apply_flags: ['--dry-run'] });
    expect(play()).toMatchObject({ node1: false, node2: false });
    expect(homes.map(configs)).toEqual(before);
    writeVars();

    const first = play();
    expect(first).toMatchObject({ node1: true, node2: true });
    expect(first.stats.node1.failures).toBe(0);
    const [a, b] = homes.map(snapshot);
    expect(differences(a, b)).toEqual([]);
    const pristine = snapshot(copyConfTree(EI, tmpDir('ansible-pristine')));
    expect(differences(pristine, a)).toEqual(expect.arrayContaining(['conf/tomcat/catalina-server.xml', 'conf/axis2/axis2.xml', 'repository/resources/security/cluster.p12']));

    const second = play();
    expect(second).toMatchObject({ node1: false, node2: false });

    // A refused apply (a wrong password): failed, not "changed", and the tool's own error is what shows.
    writeVars({ keystore_env: { WSO2KS_CLUSTER_PASS: 'wrong-pass' } });
    const r = spawnSync('ansible-playbook', ['-i', inventory, '-c', 'local', join(ROOT, 'samples', 'ansible', 'playbook.yml'), '-e', `@${vars}`], {
      encoding: 'utf8',
      env: { ...process.env, ANSIBLE_STDOUT_CALLBACK: 'json', ANSIBLE_HOME: join(work, '.ansible'), ANSIBLE_LOCAL_TEMP: join(work, '.ansible-tmp'), ANSIBLE_NOCOLOR: '1' },
    });
    expect(r.status).not.toBe(0);
    const report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
    const failed = report.plays[0].tasks.find((t: { task: { name: string } }) => t.task.name.startsWith('Apply the plan')).hosts.node1;
    expect(failed.failed).toBe(true);
    expect(failed.changed).toBe(false);
    expect(JSON.parse(failed.stdout).error.code).toBe('KEYSTORE_PASSWORD');
    expect(JSON.stringify(failed)).not.toMatch(/changed_when_result/);
  });
});
