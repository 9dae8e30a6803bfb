import { explainCode, WHO_ACTS_LABEL, type CodeExplanation } from '../../analyzers/ndr';
import { escapeCardText } from '../../cards/escape';
import { renderCard } from '../../cards/render';
import { cardReply, textReply, type Reply } from '../../model/reply';
import type { Handler } from '../handler';

/** "what does 5.7.708 mean?" or a pasted server reply: the code card. */

export function codeText(explained: CodeExplanation): string {
  const e = explained.explanation;
  return [`${explained.code ?? 'Server reply'}: ${e.title}`, e.meaning, `Who acts: ${WHO_ACTS_LABEL[e.whoActs]}`, 'Fix:', ...e.fixSteps.map((s, i) => `${i + 1}. ${s}`), `Docs: ${e.docs}`].join('\n');
}

export function codeReply(explained: CodeExplanation | null, asked: string): Reply {
  if (!explained) {
    return textReply(
      `I couldn't find a status code in "${asked.slice(0, 80)}". Ask like "what does 5.7.708 mean?" or paste the server's reply, e.g. "550 5.1.1 User unknown".`,
    );
  }
  const e = explained.explanation;
  const source = { microsoft: "Microsoft's NDR reference", known: 'Mailflow Doctor knowledge base', rfc3463: 'RFC 3463 (generic meaning)', text: "the server's wording" }[explained.source];
  const data = {
    code: escapeCardText(explained.code ?? (explained.replyCode ? String(explained.replyCode) : 'server reply'), 40),
    title: escapeCardText(e.title.replace(/\{(?:recipient|domain|remote)\}/g, 'the recipient'), 300),
    meaning: escapeCardText(e.meaning, 800),
    whoActs: WHO_ACTS_LABEL[e.whoActs],
    reason: explained.reason,
    permanence: explained.code?.startsWith('4') ? 'Temporary: the sending server keeps retrying.' : explained.code?.startsWith('5') ? 'Permanent: the message will not be retried.' : '',
    causes: e.likelyCauses.slice(0, 5).map((text) => ({ text: escapeCardText(`• ${text}`, 500) })),
    fixSteps: e.fixSteps.slice(0, 6).map((text, i) => ({ text: escapeCardText(`${i + 1}. ${text}`, 500) })),
    source,
    docs: /^https:\/\//.test(e.docs) ? e.docs : '',
  };
  return cardReply(renderCard('code', data), codeText(explained), explained);
}

export const answerCode: Handler = async (request, turn) => {
  const asked = request.codes.length > 0 ? request.codes.join(' ') : turn.text;
  const explained = request.codes.length > 0 ? explainCode(request.codes[0]) ?? explainCode(turn.text) : explainCode(turn.text);
  return codeReply(explained, asked);
};
