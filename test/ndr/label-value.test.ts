import { labelValue } from '../../src/analyzers/ndr/scan';

/** Exchange Online's "Original Message Details", flattened onto one line as some pastes arrive. */
const DETAILS =
  'Subject: Undeliverable: Quarterly report Original Message Details Created Date: 11/20/2026 2:55:32 PM ' +
  'Sender Address: alex@fabrikam.com Recipient Address: bob@contoso.com Subject: Quarterly report ' +
  'Error Details Reported error: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup';

describe('labelValue reads the value after an Exchange label, up to the next label', () => {
  it('stops at whichever known label comes next, in any letter case', () => {
    expect(labelValue(DETAILS, 'Sender Address:')).toBe('alex@fabrikam.com');
    expect(labelValue(DETAILS.toUpperCase(), 'recipient address:')).toBe('BOB@CONTOSO.COM');
    expect(labelValue(DETAILS, 'Reported error:')).toBe('550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup');
  });

  it('looks for the label from `after` on, so the details block gives its own subject rather than the bounce’s', () => {
    expect(labelValue(DETAILS, 'Subject:')).toBe('Undeliverable: Quarterly report');
    expect(labelValue(DETAILS, 'Subject:', 500, DETAILS.indexOf('Original Message Details'))).toBe('Quarterly report');
  });

  it('cuts a value with no label after it at the length asked for, and answers null for a missing or empty value', () => {
    expect(labelValue('Status code: 550 5.1.10 and then a long explanation', 'Status code:', 11)).toBe('550 5.1.10');
    expect(labelValue(DETAILS, 'Remote server:')).toBeNull();
    expect(labelValue('Sender Address: Recipient Address: bob@contoso.com', 'Sender Address:')).toBeNull();
  });

  it('a label that starts another ("Original Message Headers" in "Original message headers:") is known where the longer one is', () => {
    // The value after the first "…headers:" ends where the second begins: there "…Headers" starts, a label of its own.
    const twice = 'Original message headers: Received: from a.example ORIGINAL MESSAGE HEADERS: Received: from b.example';
    expect(labelValue(twice, 'Original message headers:')).toBe('Received: from a.example');
  });

  it('reads the same values when lower-casing moves the positions (a dotted capital İ becomes two characters)', () => {
    const moved = `İİİİ ${DETAILS}`;
    expect(moved.toLowerCase().length).not.toBe(moved.length);
    expect(labelValue(moved, 'Sender Address:')).toBe('alex@fabrikam.com');
    expect(labelValue(moved, 'Recipient Address:')).toBe('bob@contoso.com');
  });
});
