import { dnsEvidenceFrom, tenantEvidenceFrom } from '../../diagnosis/adapters';
import { diagnosisCard, diagnosisText } from '../../diagnosis/card';
import { codeAdvice } from '../../diagnosis/code-advice';
import { diagnose } from '../../diagnosis/runbook';
import { cardReply, textReply } from '../../model/reply';
import { explainFailure } from '../../sources/tenant';
import type { Handler } from '../handler';

/** "Why did mail to X bounce?": the runbook over this conversation's tenant, answered with one card. */
export const answerTrace: Handler = async (request, turn, services) => {
  if (request.senders.length === 0 && request.recipients.length === 0 && !request.messageId) {
    return textReply(
      'Which message do you mean? Tell me the recipient or the sender, for example "why did mail to bob@contoso.com bounce?" or "did alex@contoso.com get mail from billing@litware.com today?".',
    );
  }
  const clients = services.tenants.forTenant(turn.conversation.tenantId);
  if (clients.kind !== 'ok') {
    const reason = clients.kind === 'failed' ? explainFailure(clients.reason) : null;
    services.log.warn({ tenantId: turn.conversation.tenantId }, 'trace asked for a tenant that is not configured');
    return textReply(`${reason?.summary ?? 'This tenant is not configured.'} ${reason?.advice ?? ''}`.trim());
  }
  const finding = await diagnose(
    { symptom: request.symptom, senders: request.senders, recipients: request.recipients, messageId: request.messageId, window: request.window },
    { tenant: tenantEvidenceFrom(clients.value, services.now), dns: dnsEvidenceFrom(services.dns, services.now), now: turn.now, codeAdvice },
  );
  return cardReply(diagnosisCard(finding, turn.text.slice(0, 200)), diagnosisText(finding), finding);
};
