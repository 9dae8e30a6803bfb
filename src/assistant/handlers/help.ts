import { renderCard } from '../../cards/render';
import { cardReply, textReply, type Reply } from '../../model/reply';
import type { Handler } from '../handler';

/** One clickable example per capability; clicking one posts it as the user's own message (imBack). */
export const HELP_EXAMPLES: readonly { capability: string; example: string }[] = [
  { capability: 'Explain a bounce', example: 'what does 5.7.708 mean?' },
  { capability: 'Paste an NDR', example: '(paste the whole non-delivery report)' },
  { capability: 'Why did mail bounce', example: 'why did mail to bob@contoso.com bounce?' },
  { capability: 'Paste message headers', example: '(paste the Internet headers of a late or junked message)' },
  { capability: 'Check a domain', example: 'check SPF and DMARC for contoso.com' },
  { capability: 'Service health', example: 'is Exchange down?' },
  { capability: 'Quarantine', example: 'anything quarantined from billing@litware.com?' },
  { capability: 'Test mail servers', example: 'test inbound mail to contoso.com' },
  { capability: 'Follow up on the last answer', example: '("and yesterday?", "what about jane@contoso.com?", "check their SPF", "release it")' },
];

export function helpReply(intro: string): Reply {
  const examples = HELP_EXAMPLES.map((item) => ({ ...item, clickable: !item.example.startsWith('(') }));
  const text = [intro, ...HELP_EXAMPLES.map((item) => `- ${item.capability}: ${item.example}`)].join('\n');
  return cardReply(renderCard('help', { intro, examples }), text);
}

export const answerHelp: Handler = async () => helpReply('Here is what I can do. Click an example or type your own question.');

export const answerUnknown: Handler = async () =>
  helpReply("I didn't understand that. I can explain bounces, trace mail, check domains and more. Try one of these:");

export const answerThanks: Handler = async () => textReply("You're welcome. Ask me anytime mail misbehaves.");
