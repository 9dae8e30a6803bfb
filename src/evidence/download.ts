import type { Request, Response } from 'express';
import type { Services } from '../assistant/services';
import { admitTenant } from '../assistant/tenant-gate';
import { recordCase } from './answer';

/**
 * GET /exports/:token — the download behind "Export trace (CSV)" outside personal chat. The signed token is the only
 * credential: it names the tenant and the export, expires after EXPORT_LINK_TTL_MINUTES and works once. Refusals
 * say why in one line and never reveal whether another tenant has an export with that id.
 */
export function exportDownload(services: Services) {
  return async (req: Request, res: Response): Promise<void> => {
    res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
    const exports = services.evidence?.exports;
    const token = typeof req.params.token === 'string' ? req.params.token : '';
    if (!exports) {
      res.status(404).type('text/plain').send('Exports are not enabled.');
      return;
    }
    const now = services.now();
    const redeemed = await exports.redeem(token, now, (tenantId) => admitTenant(services, tenantId).kind === 'served');
    if (redeemed.kind === 'refused') {
      services.log.info({ status: redeemed.status }, 'export link refused');
      res.status(redeemed.status).type('text/plain').send(redeemed.reason);
      return;
    }
    const saved = redeemed.export;
    await recordCase(services, saved.caseId ? [{
      kind: 'action', caseId: saved.caseId, at: now.toISOString(), tenantId: saved.tenantId, conversationId: '(download link)',
      who: { userId: 'download-link', aadObjectId: null, name: null }, verb: 'evidence.download', refs: { exportId: saved.id, fileName: saved.fileName }, outcome: 'downloaded',
    }] : []);
    res.status(200)
      .set('Content-Type', 'text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="${saved.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
      .send(saved.csv);
  };
}
