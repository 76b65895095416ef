/**
 * Prompt-level tests with @inquirer/testing: the real prompts, rendered on fake streams, with the
 * choices and validators the wizard builds.
 */
import checkbox from '@inquirer/checkbox';
import password from '@inquirer/password';
import { render as renderPrompt } from '@inquirer/testing';
import { functionChoices } from '../../src/wizard/functions';

// @inquirer/testing 2.x types its prompts as cancellable (the pre-AbortSignal API) and
// the @inquirer prompts of today no longer return that shape: the call is the same, only the type differs.
type Rendered = Awaited<ReturnType<typeof renderPrompt>>;
const render = renderPrompt as unknown as (prompt: unknown, config: unknown) => Promise<Omit<Rendered, 'answer'> & { answer: Promise<unknown> }>;

describe('function checkbox', () => {
  test('only the functions the home has, explained in one line, defaults primary + tls + axis2', async () => {
    const { answer, events, getScreen } = await render(checkbox, {
      message: 'Which functions?',
      choices: functionChoices(['primary', 'tls', 'axis2', 'secPolicy', 'truststore'], { haveKey: true, primaryEncrypts: true }),
    });
    const screen = getScreen();
    expect(screen).toMatch(/◉ primary +the server's signing key/);
    expect(screen.replace(/\s+/g, ' ')).toContain('on this home it also encrypts internal data');
    expect(screen).toMatch(/◉ tls +HTTPS of the management console/);
    expect(screen).toMatch(/◯ secPolicy/);
    expect(screen).not.toContain('internal  ');
    // Untick primary (cursor starts on it), tick truststore (4 down), submit.
    events.keypress('space');
    for (let i = 0; i < 4; i++) events.keypress('down');
    events.keypress('space');
    events.keypress('enter');
    await expect(answer).resolves.toEqual(['tls', 'axis2', 'truststore']);
  });

  test('on a deployment.toml home the choices name its tables, not carbon.xml elements', async () => {
    const { events, getScreen } = await render(checkbox, {
      message: 'Which functions?',
      choices: functionChoices(['primary', 'internal', 'tls', 'truststore'], { haveKey: true, primaryEncrypts: true, era: 'toml' }),
    });
    const screen = getScreen().replace(/\s+/g, ' ');
    expect(screen).toContain('the server\'s signing key: tokens, messages ([keystore.primary]); on this home it also encrypts internal data');
    expect(screen.replace(/ /g, '')).toContain('viatheCryptoService([keystore.internal])'); // the test screen wraps at 80 columns, mid-word
    expect(screen).toContain('HTTPS of the management console and services ([keystore.tls])');
    expect(screen).not.toContain('carbon.xml');
    events.keypress('enter');
  });

  test('without a private key, the key functions are shown but cannot be ticked', async () => {
    const { answer, events, getScreen } = await render(checkbox, {
      message: 'Which functions?',
      choices: functionChoices(['primary', 'tls', 'truststore'], { haveKey: false }),
    });
    const screen = getScreen();
    expect(screen).toContain('(needs a keystore with a private key)'); // in brackets: it follows the explanation on the line
    expect(screen).toMatch(/❯◯ truststore/); // the one it can tick comes first
    events.keypress('space');
    events.keypress('down');
    events.keypress('space'); // on "primary": refused
    expect(getScreen()).toContain('cannot be toggled');
    events.keypress('enter');
    await expect(answer).resolves.toEqual(['truststore']);
  });
});

describe('password with an on-the-spot check', () => {
  test('a rejected password shows the reason and the prompt stays open', async () => {
    const { answer, events, getScreen } = await render(password, {
      message: 'Store password:',
      mask: '*',
      validate: (v: string) => (v === 'right' ? true : 'Keystore was tampered with, or password was incorrect. Ctrl-U clears what you typed; try again (Ctrl-C stops).'),
    });
    events.type('wrong');
    events.keypress('enter');
    await new Promise((r) => setTimeout(r, 20));
    expect(getScreen()).toContain('password was incorrect. Ctrl-U clears what you'); // (wrapped at 80 columns)
    expect(getScreen()).not.toContain('wrong');
    // The wrong value stays in the (masked) field, as inquirer keeps it: the message says Ctrl-U clears it.
    events.keypress({ name: 'u', ctrl: true });
    events.type('right');
    events.keypress('enter');
    await expect(answer).resolves.toBe('right');
  });
});
