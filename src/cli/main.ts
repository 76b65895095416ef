/**
 * The command line. Commands are loaded only when run, so `--version` and `scan` do not pay for the
 * prompt library or node-forge. Exit codes: 0 success, 1 failure (nothing written or all rolled
 * back), 2 usage error, 130 interrupted.
 *
 * `--version` alone is answered before commander is loaded: commander (and the child_process module
 * it requires) was ~60% of that command's time over bare node (see docs/performance.md). So are
 * `setup [HOME]` and the bare menu, whose first prompt is timed from spawn: with no option and no
 * second argument there is nothing for commander to parse, check or print (anything else, e.g.
 * `setup --help` or `setup HOME --dry-run`, goes through commander as before).
 */
import type * as Commander from 'commander';
import { EXIT } from '../errors';
import type { CliIo } from './io';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION: string = require('../../package.json').version;

export async function main(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.OK;
  }
  if (argv.length === 0) return (await import('./commands/setup.js')).menuCommand(io);
  if (argv[0] === 'setup' && (argv.length === 1 || (argv.length === 2 && !argv[1].startsWith('-')))) {
    return (await import('./commands/setup.js')).setupCommand({ home: argv[1] }, io);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Command, CommanderError, Option } = require('commander') as typeof Commander;
  let code: number = EXIT.OK;
  const program = new Command('wso2-keystore')
    .description('Point a WSO2 Carbon server at a new keystore: minimal edits, a dry-run diff, backups and restore.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run wso2-keystore --help for usage)');

  program
    .command('apply')
    .description('apply a plan file (JSON) to a WSO2 home')
    .requiredOption('--plan <file>', 'the plan file (see docs/plan-file.md)')
    .argument('[home]', 'the WSO2 product home', '.')
    .option('--dry-run', 'show the diff and write nothing')
    .option('--yes', 'do not ask for confirmation')
    .option('--json', 'print one JSON object on stdout')
    .option('--import-cert', 'import the new certificates into the truststore when they are missing')
    .action(async (home: string, o) => {
      const { applyCommand } = await import('./commands/apply.js');
      code = await applyCommand({ plan: o.plan, home, dryRun: o.dryRun, yes: o.yes, json: o.json, importCert: o.importCert }, io);
    });

  program
    .command('scan')
    .description('list every keystore reference in the config tree and the function it serves')
    .argument('[home]', 'the WSO2 product home', '.')
    .option('--json', 'print one JSON object on stdout')
    .action(async (home: string, o) => {
      const { scanCommand } = await import('./commands/scan.js');
      code = await scanCommand({ home, json: o.json }, io);
    });

  program
    .command('backups')
    .description('list the checkpoints taken before each change')
    .argument('[home]', 'the WSO2 product home', '.')
    .option('--json', 'print one JSON object on stdout')
    .action(async (home: string, o) => {
      const { backupsCommand } = await import('./commands/backups.js');
      code = await backupsCommand({ home, json: o.json }, io);
    });

  program
    .command('restore')
    .description('put back the files of the latest (or --id) checkpoint')
    .argument('[home]', 'the WSO2 product home', '.')
    .option('--id <id>', 'the checkpoint to restore (default: the latest)')
    .option('--dry-run', 'show the diff and write nothing')
    .option('--yes', 'do not ask for confirmation')
    .option('--force', 'also overwrite files edited after that checkpoint')
    .option('--json', 'print one JSON object on stdout')
    .action(async (home: string, o) => {
      const { restoreCommand } = await import('./commands/restore.js');
      code = await restoreCommand({ home, id: o.id, dryRun: o.dryRun, yes: o.yes, force: o.force, json: o.json }, io);
    });

  program
    .command('inspect')
    .description('list the entries of a keystore (JKS or PKCS12), without Java')
    .argument('<keystore>', 'the keystore file')
    .addOption(new Option('--type <type>', 'the keystore type (detected from the bytes when left out)').choices(['JKS', 'PKCS12']))
    .addOption(new Option('--password-env <name>', 'read the store password from this environment variable').conflicts('passwordStdin'))
    .option('--password-stdin', 'read the store password from the first line of standard input')
    .option('--json', 'print one JSON object on stdout')
    .action(async (keystore: string, o) => {
      const { inspectCommand } = await import('./commands/inspect.js');
      code = await inspectCommand({ keystore, type: o.type, passwordEnv: o.passwordEnv, passwordStdin: o.passwordStdin, json: o.json }, io);
    });

  program
    .command('verify')
    .description('open every keystore the config names, with the password it holds, and check aliases, keys and trust')
    .argument('[home]', 'the WSO2 product home', '.')
    .option('--json', 'print one JSON object on stdout')
    .action(async (home: string, o) => {
      const { verifyCommand } = await import('./commands/verify.js');
      code = await verifyCommand({ home, json: o.json }, io);
    });

  program
    .command('setup')
    .description('the interactive wizard: choose keystores for each function, preview, apply')
    .argument('[home]', 'the WSO2 product home (asked when left out)')
    .option('--dry-run', 'stop after the preview; write nothing')
    .option('--save-plan <file>', 'save the answers as a plan file (passwords as {"env": …} references)')
    .action(async (home: string | undefined, o) => {
      const { setupCommand } = await import('./commands/setup.js');
      code = await setupCommand({ home, dryRun: o.dryRun, savePlan: o.savePlan }, io);
    });

  program.action(async () => {
    const { menuCommand } = await import('./commands/setup.js');
    code = await menuCommand(io);
  });
  // `help [command]`, as git and npm have it: commander adds it by itself only to a program without an action.
  program.helpCommand('help [command]', 'show the help of a command');

  // The menu takes no arguments, so commander would call a misspelt command "too many arguments".
  // `help nosuch` too (commander would print the program's help and exit 0).
  const named = argv[0] === 'help' ? argv[1] : argv[0];
  if (named !== undefined && !named.startsWith('-') && named !== 'help' && !program.commands.some((c) => c.name() === named)) {
    io.stderr.write(`error: unknown command '${named}' (commands: ${[...program.commands.map((c) => c.name()), 'help'].join(', ')})\n(run wso2-keystore --help for usage)\n`);
    return EXIT.USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.OK;
      return EXIT.USAGE;
    }
    throw e;
  }
  return code;
}
