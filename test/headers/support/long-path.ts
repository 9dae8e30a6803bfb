/**
 * A long, realistic header block: a message bounced between relays, gateways and Exchange Online, as a forwarding
 * loop or a chain of appliances produces. `hops` Received lines, padded with the DKIM/ARC/antispam fields real
 * messages carry, until the block is about `targetBytes`.
 */
export function longHeaderBlock(hops = 60, targetBytes = 64 * 1024): string {
  const start = Date.UTC(2024, 2, 5, 8, 0, 0);
  const lines: string[] = [];
  for (let i = hops; i >= 1; i--) {
    // Hop 37 waits 41 minutes: the one a helpdesk must find among sixty.
    const seconds = i * 7 + (i >= 37 ? 41 * 60 : 0);
    const stamp = new Date(start + seconds * 1000).toUTCString().replace('GMT', '+0000');
    const from = i === 1 ? 'workstation-17.corp.fabrikam.com' : `relay${String(i - 1).padStart(2, '0')}.gateway.fabrikam.net`;
    lines.push(
      `Received: from ${from} (${from} [198.51.100.${i}])\n` +
        ` by relay${String(i).padStart(2, '0')}.gateway.fabrikam.net (Postfix) with ESMTPS id 4Tq${i}Xw2Kz3z9sKp\n` +
        ` (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\n` +
        `  key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\n` +
        ` for <meganb@contoso.com>; ${stamp}`,
    );
  }
  const tail = [
    'Authentication-Results: spf=pass (sender IP is 198.51.100.60) smtp.mailfrom=fabrikam.net; dkim=pass (signature was verified) header.d=fabrikam.com;dmarc=pass action=none header.from=fabrikam.com;compauth=pass reason=100',
    'From: Fabrikam Reports <reports@fabrikam.com>',
    'To: meganb@contoso.com',
    'Subject: Weekly report',
    'Date: Tue, 5 Mar 2024 08:00:00 +0000',
    'Message-ID: <weekly-report-2024-10@fabrikam.com>',
    'X-Forefront-Antispam-Report: CIP:198.51.100.60;CTRY:US;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:relay60.gateway.fabrikam.net;PTR:relay60.gateway.fabrikam.net;CAT:NONE;SFS:(13230031);DIR:INB;',
  ];
  let block = [...lines, ...tail].join('\n');
  let n = 0;
  while (block.length < targetBytes - 200) {
    block += `\nX-Gateway-Trace-${n++}: ${'a1b2c3d4e5f6'.repeat(12)}`;
  }
  return block + '\n';
}
