import { HeaderModel, parseReceived } from '../../src/analyzers/headers';
import { isoUtc } from '../../src/analyzers/headers/dates';

/** One Received field as a server writes it (folding kept), and what a helpdesk must read from it. */
interface Case {
  readonly name: string;
  readonly raw: string;
  readonly from: string | null;
  readonly by: string | null;
  readonly with: string | null;
  readonly time: string | null;
}

const CASES: Record<string, readonly Case[]> = {
  'Exchange Online': [
    {
      name: 'mailbox delivery over HTTPS',
      raw: `from AM6PR04MB5431.eurprd04.prod.outlook.com (2603:10a6:20b:ab::12)
 by DB9PR04MB8139.eurprd04.prod.outlook.com with HTTPS; Tue, 5 Mar 2024
 10:15:22 +0000`,
      from: 'AM6PR04MB5431.eurprd04.prod.outlook.com', by: 'DB9PR04MB8139.eurprd04.prod.outlook.com', with: 'HTTPS', time: '2024-03-05T10:15:22Z',
    },
    {
      name: 'server to server with TLS parameters and a date folded mid-way',
      raw: `from BN9PR03CA0123.namprd03.prod.outlook.com (2603:10b6:408:fe::8)
 by PH0PR04MB7654.namprd04.prod.outlook.com (2603:10b6:510:5a::14) with
 Microsoft SMTP Server (version=TLS1_2,
 cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.7362.24; Tue, 5 Mar
 2024 10:15:21 +0000`,
      from: 'BN9PR03CA0123.namprd03.prod.outlook.com', by: 'PH0PR04MB7654.namprd04.prod.outlook.com', with: 'Microsoft SMTP Server', time: '2024-03-05T10:15:21Z',
    },
    {
      name: 'EOP to the front end via Frontend Transport',
      raw: `from BN8NAM12FT045.eop-nam12.prod.protection.outlook.com
 (2603:10b6:408:fe:cafe::5b) by BN9PR03CA0123.outlook.office365.com
 (2603:10b6:408:fe::8) with Microsoft SMTP Server (version=TLS1_2,
 cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.7362.24 via Frontend
 Transport; Tue, 5 Mar 2024 10:15:21 +0000`,
      from: 'BN8NAM12FT045.eop-nam12.prod.protection.outlook.com', by: 'BN9PR03CA0123.outlook.office365.com', with: 'Microsoft SMTP Server', time: '2024-03-05T10:15:21Z',
    },
    {
      name: 'inbound from the internet into EOP',
      raw: `from mail-sender.example.com (203.0.113.5) by
 BN8NAM12FT045.mail.protection.outlook.com (10.13.182.181) with Microsoft SMTP
 Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id
 15.20.7362.12 via Frontend Transport; Tue, 5 Mar 2024 10:15:20 +0000`,
      from: 'mail-sender.example.com', by: 'BN8NAM12FT045.mail.protection.outlook.com', with: 'Microsoft SMTP Server', time: '2024-03-05T10:15:20Z',
    },
    {
      name: 'submission from the mailbox (mapi)',
      raw: `from DM6PR11MB4691.namprd11.prod.outlook.com
 ([fe80::4ab0:1cd5:22b1:e3ef]) by DM6PR11MB4691.namprd11.prod.outlook.com
 ([fe80::4ab0:1cd5:22b1:e3ef%5]) with mapi id 15.20.7249.038; Mon, 12 Feb 2024
 18:03:44 +0000`,
      from: 'DM6PR11MB4691.namprd11.prod.outlook.com', by: 'DM6PR11MB4691.namprd11.prod.outlook.com', with: 'mapi', time: '2024-02-12T18:03:44Z',
    },
    {
      name: 'TLS 1.3 stamp',
      raw: `from SJ0PR13MB5755.namprd13.prod.outlook.com (2603:10b6:a03:3e5::10) by
 SA1PR13MB6648.namprd13.prod.outlook.com (2603:10b6:806:3e4::9) with Microsoft
 SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.8293.7;
 Fri, 20 Dec 2024 08:01:02 +0000`,
      from: 'SJ0PR13MB5755.namprd13.prod.outlook.com', by: 'SA1PR13MB6648.namprd13.prod.outlook.com', with: 'Microsoft SMTP Server', time: '2024-12-20T08:01:02Z',
    },
    {
      name: 'outbound through EOP towards the internet',
      raw: `from MW4PR03CA0150.namprd03.prod.outlook.com (2603:10b6:303:8c::35)
 by SN7PR04MB8476.namprd04.prod.outlook.com (2603:10b6:806:350::12) with
 Microsoft SMTP Server (version=TLS1_2,
 cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.7452.49; Wed, 10 Apr
 2024 14:22:09 +0000`,
      from: 'MW4PR03CA0150.namprd03.prod.outlook.com', by: 'SN7PR04MB8476.namprd04.prod.outlook.com', with: 'Microsoft SMTP Server', time: '2024-04-10T14:22:09Z',
    },
    {
      name: 'a date without a semicolon (old Exchange, MHA fallback)',
      raw: 'from EX13.fabrikam.com (10.2.0.13) by EX14.fabrikam.com (10.2.0.14) with Microsoft SMTP Server id 14.3.382.0 Tue, 5 Mar 2024 10:15:22 +0000',
      from: 'EX13.fabrikam.com', by: 'EX14.fabrikam.com', with: 'Microsoft SMTP Server', time: '2024-03-05T10:15:22Z',
    },
  ],
  'Exchange on-premises': [
    {
      name: 'hub to hub, zone +0100',
      raw: `from EX01.contoso.local (10.0.0.5) by EX02.contoso.local
 (10.0.0.6) with Microsoft SMTP Server (version=TLS1_2,
 cipher=TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384) id 15.1.2507.35; Tue, 5 Mar
 2024 11:15:21 +0100`,
      from: 'EX01.contoso.local', by: 'EX02.contoso.local', with: 'Microsoft SMTP Server', time: '2024-03-05T10:15:21Z',
    },
    {
      name: 'mapi submission with a scoped IPv6 address',
      raw: `from EX01.contoso.local ([fe80::1234:5678:9abc:def0]) by
 EX01.contoso.local ([fe80::1234:5678:9abc:def0%12]) with mapi id
 15.01.2507.035; Tue, 5 Mar 2024 11:15:20 +0100`,
      from: 'EX01.contoso.local', by: 'EX01.contoso.local', with: 'mapi', time: '2024-03-05T10:15:20Z',
    },
    {
      name: 'Exchange 2010 with (TLS)',
      raw: `from EXHUB01.corp.contoso.com (192.168.1.20) by EXCAS02.corp.contoso.com
 (192.168.1.21) with Microsoft SMTP Server (TLS) id 14.3.468.0; Wed, 6 Nov 2019
 09:12:44 -0500`,
      from: 'EXHUB01.corp.contoso.com', by: 'EXCAS02.corp.contoso.com', with: 'Microsoft SMTP Server', time: '2019-11-06T14:12:44Z',
    },
    {
      name: 'Edge to mailbox via Mailbox Transport',
      raw: `from edge01.contoso.com (203.0.113.40) by mbx01.corp.contoso.com (10.1.1.5)
 with Microsoft SMTP Server (version=TLS1_2,
 cipher=TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384) id 15.0.1497.2 via Mailbox
 Transport; Thu, 14 Jan 2021 16:40:00 -0800`,
      from: 'edge01.contoso.com', by: 'mbx01.corp.contoso.com', with: 'Microsoft SMTP Server', time: '2021-01-15T00:40:00Z',
    },
    {
      name: 'hybrid send connector into EOP',
      raw: `from mail.contoso.com (198.51.100.10) by
 CO1NAM11FT012.mail.protection.outlook.com (10.13.175.192) with Microsoft SMTP
 Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id
 15.20.7270.14 via Frontend Transport; Tue, 5 Mar 2024 10:15:20 +0000`,
      from: 'mail.contoso.com', by: 'CO1NAM11FT012.mail.protection.outlook.com', with: 'Microsoft SMTP Server', time: '2024-03-05T10:15:20Z',
    },
  ],
  Postfix: [
    {
      name: 'ESMTPS with CET comment',
      raw: `from mail.example.org (mail.example.org [192.0.2.10])
\tby mx.example.net (Postfix) with ESMTPS id 4Tq1Xw2Kz3z9sKp
\tfor <bob@example.net>; Tue,  5 Mar 2024 10:15:22 +0100 (CET)`,
      from: 'mail.example.org', by: 'mx.example.net', with: 'ESMTPS', time: '2024-03-05T09:15:22Z',
    },
    {
      name: 'local pickup from userid',
      raw: `by mail.example.org (Postfix, from userid 1000)
\tid 8E6C41F4B2; Tue,  5 Mar 2024 10:15:20 +0100 (CET)`,
      from: 'userid 1000', by: 'mail.example.org', with: null, time: '2024-03-05T09:15:20Z',
    },
    {
      name: 'reinjection from localhost',
      raw: `from localhost (localhost [127.0.0.1])
\tby mail.example.org (Postfix) with ESMTP id 3A2B1C0D;
\tTue,  5 Mar 2024 10:15:21 +0100 (CET)`,
      from: 'localhost', by: 'mail.example.org', with: 'ESMTP', time: '2024-03-05T09:15:21Z',
    },
    {
      name: 'authenticated submission (ESMTPSA) with an address literal',
      raw: `from [192.168.1.23] (unknown [198.51.100.77])
\t(Authenticated sender: alice@example.org)
\tby mail.example.org (Postfix) with ESMTPSA id 4F2D1E0A
\tfor <bob@example.net>; Tue,  5 Mar 2024 09:15:21 +0000 (UTC)`,
      from: '[192.168.1.23]', by: 'mail.example.org', with: 'ESMTPSA', time: '2024-03-05T09:15:21Z',
    },
    {
      name: 'TLS comment that itself contains "with"',
      raw: `from mail.example.org (mail.example.org [IPv6:2001:db8::25])
\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)
\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)
\t(No client certificate requested)
\tby mx.example.net (Postfix) with ESMTPS id 4TqAbc;
\tTue,  5 Mar 2024 10:15:22 +0100 (CET)`,
      from: 'mail.example.org', by: 'mx.example.net', with: 'ESMTPS', time: '2024-03-05T09:15:22Z',
    },
    {
      name: 'amavisd content filter loop',
      raw: `from mx.example.net ([127.0.0.1])
\tby localhost (mx.example.net [127.0.0.1]) (amavisd-new, port 10024)
\twith ESMTP id AbCdEf123; Tue,  5 Mar 2024 10:15:23 +0100 (CET)`,
      from: 'mx.example.net', by: 'localhost', with: 'ESMTP', time: '2024-03-05T09:15:23Z',
    },
  ],
  Exim: [
    {
      name: 'esmtpsa with TLS details and envelope-from',
      raw: `from [192.0.2.1] (helo=mail.example.com)
\tby mx.example.org with esmtpsa  (TLS1.3) tls TLS_AES_256_GCM_SHA384
\t(Exim 4.96)
\t(envelope-from <alice@example.com>)
\tid 1rhXYZ-000ABC-2B
\tfor bob@example.org; Tue, 05 Mar 2024 10:15:22 +0000`,
      from: '[192.0.2.1]', by: 'mx.example.org', with: 'esmtpsa', time: '2024-03-05T10:15:22Z',
    },
    {
      name: 'esmtps with port in the comment',
      raw: `from mail.example.com ([192.0.2.1]:54321 helo=mail.example.com)
\tby mx.example.org with esmtps (TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256)
\t(Exim 4.92) (envelope-from <a@example.com>) id 1abcDE-0001xy-Pq;
\tTue, 05 Mar 2024 10:15:22 -0500`,
      from: 'mail.example.com', by: 'mx.example.org', with: 'esmtps', time: '2024-03-05T15:15:22Z',
    },
    {
      name: 'local submission',
      raw: `from www-data by web01.example.com with local (Exim 4.94.2)
\t(envelope-from <www-data@web01.example.com>)
\tid 1rhX00-0003ab-Cd
\tfor ops@example.com; Tue, 05 Mar 2024 10:15:00 +0000`,
      from: 'www-data', by: 'web01.example.com', with: 'local', time: '2024-03-05T10:15:00Z',
    },
    {
      name: 'cPanel host in India (+0530)',
      raw: `from [203.0.113.9] (port=51234 helo=[192.168.0.5])
\tby server.hosting.example with esmtpsa  (TLS1.2) tls TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
\t(Exim 4.96.2)
\t(envelope-from <x@y.example>)
\tid 1rhXY1-00Abc-3Q;
\tTue, 05 Mar 2024 15:45:22 +0530`,
      from: '[203.0.113.9]', by: 'server.hosting.example', with: 'esmtpsa', time: '2024-03-05T10:15:22Z',
    },
    {
      name: 'missing seconds',
      raw: 'from host.example.com ([198.51.100.3]) by mx.example.org with smtp (Exim 4.80) id 1Rabc-0002; Tue, 05 Mar 2024 10:15 +0000',
      from: 'host.example.com', by: 'mx.example.org', with: 'smtp', time: '2024-03-05T10:15:00Z',
    },
  ],
  Sendmail: [
    {
      name: 'ESMTPS with a verify comment after the id',
      raw: `from host.example.com (host.example.com [192.0.2.1])
\tby mail.example.org (8.15.2/8.15.2) with ESMTPS id 425AFMx1012345
\t(version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256 verify=NOT)
\tfor <bob@example.org>; Tue, 5 Mar 2024 05:15:22 -0500`,
      from: 'host.example.com', by: 'mail.example.org', with: 'ESMTPS', time: '2024-03-05T10:15:22Z',
    },
    {
      name: 'local submission "(from root@localhost)"',
      raw: `(from root@localhost)
\tby host.example.com (8.15.2/8.15.2/Submit) id 425AFKPq012340;
\tTue, 5 Mar 2024 05:15:20 -0500`,
      from: 'root@localhost', by: 'host.example.com', with: null, time: '2024-03-05T10:15:20Z',
    },
    {
      name: 'IDENT comment, 2004',
      raw: `from mail.example.com (IDENT:root@localhost [127.0.0.1])
\tby mail.example.com (8.12.11/8.12.11) with ESMTP id i2A1B2C3;
\tFri, 12 Mar 2004 16:04:19 -0800`,
      from: 'mail.example.com', by: 'mail.example.com', with: 'ESMTP', time: '2004-03-13T00:04:19Z',
    },
    {
      name: 'named zone EST crossing midnight',
      raw: 'from relay.example.net (relay.example.net [198.51.100.8]) by mx.example.org (8.14.7/8.14.7) with ESMTP id u1; Mon, 4 Mar 2024 23:59:59 EST',
      from: 'relay.example.net', by: 'mx.example.org', with: 'ESMTP', time: '2024-03-05T04:59:59Z',
    },
    {
      name: 'two-digit year',
      raw: 'from a.example (a.example [192.0.2.4]) by b.example (8.9.3/8.9.3) with ESMTP id AAA01234; Fri, 5 Mar 99 10:15:22 +0100',
      from: 'a.example', by: 'b.example', with: 'ESMTP', time: '1999-03-05T09:15:22Z',
    },
  ],
  Gmail: [
    {
      name: 'internal IPv6 hop',
      raw: `by 2002:a05:6a10:a1c4:b0:4f4:8c2f:1234 with SMTP id n4csp123456pxf;
        Tue, 5 Mar 2024 02:15:22 -0800 (PST)`,
      from: null, by: '2002:a05:6a10:a1c4:b0:4f4:8c2f:1234', with: 'SMTP', time: '2024-03-05T10:15:22Z',
    },
    {
      name: 'Google Transport Security',
      raw: `from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41])
        by mx.google.com with SMTPS id a1sor1234567ejb.12.2024.03.05.02.15.21
        for <bob@gmail.com>
        (Google Transport Security);
        Tue, 05 Mar 2024 02:15:21 -0800 (PST)`,
      from: 'mail-sor-f41.google.com', by: 'mx.google.com', with: 'SMTPS', time: '2024-03-05T10:15:21Z',
    },
    {
      name: 'Exchange Online outbound arriving at Gmail',
      raw: `from NAM12-MW2-obe.outbound.protection.outlook.com (mail-mw2nam12on2071.outbound.protection.outlook.com. [40.107.244.71])
        by mx.google.com with ESMTPS id x12-20020a05620a0e8c00b0078812345abcsi1234567qkm.123.2024.03.05.02.15.20
        for <bob@gmail.com>
        (version=TLS1_2 cipher=ECDHE-ECDSA-AES128-GCM-SHA256 bits=128/128);
        Tue, 05 Mar 2024 02:15:20 -0800 (PST)`,
      from: 'NAM12-MW2-obe.outbound.protection.outlook.com', by: 'mx.google.com', with: 'ESMTPS', time: '2024-03-05T10:15:20Z',
    },
    {
      name: 'Gmail sending into Exchange Online',
      raw: `from mail-yw1-f172.google.com (209.85.128.172) by
 BN8NAM12FT034.mail.protection.outlook.com (10.13.182.142) with Microsoft SMTP
 Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.7362.12 via
 Frontend Transport; Tue, 5 Mar 2024 10:15:23 +0000`,
      from: 'mail-yw1-f172.google.com', by: 'BN8NAM12FT034.mail.protection.outlook.com', with: 'Microsoft SMTP Server', time: '2024-03-05T10:15:23Z',
    },
    {
      name: 'authenticated submission to smtp.gmail.com',
      raw: `from [192.168.1.5] ([203.0.113.77])
        by smtp.gmail.com with ESMTPSA id d2-20020a05600c4b8200b0041234sm123456wmp.1.2024.03.05.02.15.19
        for <bob@contoso.com>
        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);
        Tue, 05 Mar 2024 02:15:19 -0800 (PST)`,
      from: '[192.168.1.5]', by: 'smtp.gmail.com', with: 'ESMTPSA', time: '2024-03-05T10:15:19Z',
    },
    {
      name: 'PDT (summer time)',
      raw: `by 2002:a05:7300:5a8b:b0:14c:aa11:2233 with SMTP id bj11csp1234dyb;
        Mon, 8 Jul 2024 09:41:07 -0700 (PDT)`,
      from: null, by: '2002:a05:7300:5a8b:b0:14c:aa11:2233', with: 'SMTP', time: '2024-07-08T16:41:07Z',
    },
  ],
  qmail: [
    {
      name: 'invoked from network',
      raw: '(qmail 12345 invoked from network); 5 Mar 2024 10:15:20 -0000',
      from: 'network', by: null, with: 'qmail', time: '2024-03-05T10:15:20Z',
    },
    {
      name: 'invoked by uid',
      raw: '(qmail 4321 invoked by uid 89); 5 Mar 2024 10:15:19 -0000',
      from: 'uid 89', by: null, with: 'qmail', time: '2024-03-05T10:15:19Z',
    },
    {
      name: 'HELO comment and unknown reverse DNS',
      raw: `from unknown (HELO mail.example.com) (203.0.113.9)
  by mx.example.net with SMTP; 5 Mar 2024 10:15:21 -0000`,
      from: 'unknown', by: 'mx.example.net', with: 'SMTP', time: '2024-03-05T10:15:21Z',
    },
    {
      name: 'ESMTPA',
      raw: 'from mail.example.com (HELO mail.example.com) (198.51.100.4) by smtp.example.net with ESMTPA; 5 Mar 2024 10:15:21 +0000',
      from: 'mail.example.com', by: 'smtp.example.net', with: 'ESMTPA', time: '2024-03-05T10:15:21Z',
    },
  ],
  'Amazon SES': [
    {
      name: 'SES outbound arriving at Postfix',
      raw: `from a8-30.smtp-out.amazonses.com (a8-30.smtp-out.amazonses.com [54.240.8.30])
\tby mx.example.com (Postfix) with ESMTPS id 4Tq9;
\tTue,  5 Mar 2024 10:15:22 +0000 (UTC)`,
      from: 'a8-30.smtp-out.amazonses.com', by: 'mx.example.com', with: 'ESMTPS', time: '2024-03-05T10:15:22Z',
    },
    {
      name: 'SES outbound arriving at EOP',
      raw: `from e226-55.smtp-out.us-east-2.amazonses.com (54.240.27.55) by
 BN8NAM12FT050.mail.protection.outlook.com (10.13.182.191) with Microsoft SMTP
 Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id
 15.20.7362.12 via Frontend Transport; Tue, 5 Mar 2024 10:15:22 +0000`,
      from: 'e226-55.smtp-out.us-east-2.amazonses.com', by: 'BN8NAM12FT050.mail.protection.outlook.com', with: 'Microsoft SMTP Server', time: '2024-03-05T10:15:22Z',
    },
    {
      name: 'SES submission endpoint',
      raw: `from [10.0.0.12] by email-smtp.us-east-1.amazonaws.com with SMTP (SimpleEmailService-d-ABCDEF123) id abc123def456 for bob@example.com;
 Tue, 05 Mar 2024 10:15:20 +0000 (UTC)`,
      from: '[10.0.0.12]', by: 'email-smtp.us-east-1.amazonaws.com', with: 'SMTP', time: '2024-03-05T10:15:20Z',
    },
    {
      name: 'SES inbound receiving',
      raw: `from mail.example.com (mail.example.com [198.51.100.5])
 by inbound-smtp.us-east-1.amazonaws.com with SMTP id 0abcdef1234567
 for bob@ses.example.com;
 Tue, 05 Mar 2024 10:15:22 +0000 (UTC)`,
      from: 'mail.example.com', by: 'inbound-smtp.us-east-1.amazonaws.com', with: 'SMTP', time: '2024-03-05T10:15:22Z',
    },
  ],
  'odd dates': [
    {
      name: 'zone only in a comment "(UTC)"',
      raw: 'from relay1.example.com by relay2.example.com with ESMTP id 77; Tue, 5 Mar 2024 10:15:22 (UTC)',
      from: 'relay1.example.com', by: 'relay2.example.com', with: 'ESMTP', time: '2024-03-05T10:15:22Z',
    },
    {
      name: 'zone only in a comment "(PST)"',
      raw: 'from relay1.example.com by relay2.example.com with ESMTP id 77; Tue, 5 Mar 2024 02:15:22 (PST)',
      from: 'relay1.example.com', by: 'relay2.example.com', with: 'ESMTP', time: '2024-03-05T10:15:22Z',
    },
    {
      name: 'asctime date',
      raw: 'from a.example.com by b.example.com with SMTP id 1; Tue Mar  5 10:15:22 2024',
      from: 'a.example.com', by: 'b.example.com', with: 'SMTP', time: '2024-03-05T10:15:22Z',
    },
    {
      name: 'ISO 8601 date with an offset',
      raw: 'from appliance.example.com (198.51.100.44) by gw.example.com with SMTP; 2024-03-05T11:15:22+01:00',
      from: 'appliance.example.com', by: 'gw.example.com', with: 'SMTP', time: '2024-03-05T10:15:22Z',
    },
    {
      name: 'no date at all',
      raw: 'from a.example.com (a.example.com [192.0.2.8]) by b.example.com with SMTP id 1234',
      from: 'a.example.com', by: 'b.example.com', with: 'SMTP', time: null,
    },
    {
      name: 'date with a leading weekday but no comma, and GMT',
      raw: 'from old.example.com by mx.example.com with SMTP id 9; Tue 5 Mar 2024 10:15:22 GMT',
      from: 'old.example.com', by: 'mx.example.com', with: 'SMTP', time: '2024-03-05T10:15:22Z',
    },
  ],
};

function received(raw: string) {
  // Through the header model, so the folding is undone the way a real paste is.
  const [value] = HeaderModel.parse(`Received: ${raw}\n`).all('Received');
  return parseReceived(value);
}

describe('reading Received lines', () => {
  it('covers at least 40 lines across the common mail servers', () => {
    expect(Object.values(CASES).flat().length).toBeGreaterThanOrEqual(40);
  });

  for (const [format, cases] of Object.entries(CASES)) {
    describe(format, () => {
      it.each(cases.map((item) => [item.name, item] as const))('%s', (_name, item) => {
        const line = received(item.raw);
        expect({ from: line.from, by: line.by, with: line.with, time: line.date ? isoUtc(line.date.epochMs) : null }).toEqual({
          from: item.from, by: item.by, with: item.with, time: item.time,
        });
      });
    });
  }
});
