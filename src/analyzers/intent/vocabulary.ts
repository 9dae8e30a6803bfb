/**
 * The helpdesk's words, as data. Each table is a list of phrases matched on word boundaries against the normalized
 * question (lower case, apostrophes removed, typos corrected, entities replaced by placeholders such as `@email`).
 * Adding a phrasing is a one-line change here, not a new branch in the parser.
 */

import type { DomainCheck, Symptom } from '../../model/intent';

/** Phrases that say which trace symptom the person sees. Order matters: the first symptom with a hit wins. */
export const SYMPTOM_PHRASES: readonly (readonly [Symptom, readonly string[]])[] = [
  ['junk', ['junk', 'spam', 'clutter', 'spam folder', 'junk folder', 'junk email', 'marked as spam', 'flagged as spam', 'phishing folder']],
  ['delay', ['delay', 'delayed', 'delays', 'delaying', 'late', 'slow', 'slowly', 'stuck', 'queue', 'queued', 'takes hours', 'taking hours',
    'takes long', 'taking long', 'long time', 'deferred', 'pending', 'lagging', 'lag']],
  ['bounce', ['bounce', 'bounced', 'bounces', 'bouncing', 'bounceback', 'bouncebacks', 'bounce back', 'ndr', 'ndrs', 'undeliverable',
    'undelivered', 'non delivery', 'nondelivery', 'non-delivery', 'rejected', 'rejecting', 'rejects', 'reject', 'rejection', 'returned',
    'coming back', 'comes back', 'came back', 'come back', 'kicked back', 'failed', 'fails', 'failing', 'fail', 'failure', 'error',
    'errors', 'cant send', 'cannot send', 'can not send', 'unable to send', 'not able to send', 'couldnt send', 'could not send',
    'cant email', 'cannot email', 'unable to email', 'cant reach', 'cannot reach', 'can not reach', 'unable to reach', 'cant mail',
    'did not deliver', 'didnt deliver', 'not delivered', 'not being delivered', 'wasnt delivered', 'was not delivered',
    'mailer-daemon', 'mailer daemon', 'postmaster', 'blocked', 'dsn']],
  ['missing', ['missing', 'never got', 'never arrived', 'never received', 'never came', 'never reached', 'didnt get', 'did not get',
    'didnt receive', 'did not receive', 'didnt arrive', 'did not arrive', 'not receiving', 'not recieving', 'not getting',
    'not received', 'not arrived', 'not arriving', 'not reaching', 'hasnt received', 'has not received', 'havent received',
    'have not received', 'hasnt arrived', 'has not arrived', 'not come', 'not coming', 'lost', 'disappeared', 'vanished', 'where is',
    'wheres', 'cant receive', 'cannot receive', 'can not receive', 'unable to receive', 'not able to receive', 'doesnt get',
    'dont receive', 'doesnt receive', 'do not receive', 'does not receive', 'not receive', 'never receive', 'nothing came',
    'nothing comes', 'nothing coming', 'not coming in', 'nothing received', 'nothing is arriving', 'no emails', 'no email',
    'does not get', 'dont get', 'do not get', 'cant get', 'cannot get', 'can not get', 'unable to get', 'not able to get', 'no mail', 'nothing arrived', 'didnt come', 'did not come', 'not showing up',
    // A yes/no question about receipt is asked because the mail seems missing: "did bob@… get the invoice?"
    'did @email get', 'did @email receive', 'did @email recieve', 'has @email received', 'has @email got', 'have you received',
    'did we get', 'did we receive', 'did they get', 'did they receive', 'nobody got', 'nobody received', 'no one got',
    'no one received', 'noone got', 'nobody at']],
];

/** Words that make a message about specific mail a trace even without a symptom. */
export const TRACE_PHRASES: readonly string[] = [
  'trace', 'traces', 'tracing', 'message trace', 'track', 'tracking', 'find', 'search', 'look for', 'locate', 'did @email get',
  'did @email receive', 'did @email reach', 'did the mail', 'did the email', 'did the message', 'did my mail', 'did my email',
  'check delivery', 'delivery status', 'was it delivered', 'delivered', 'messages from', 'mails from', 'emails from', 'mail from',
  'email from', 'message from', 'messages to', 'mails to', 'emails to', 'mail to', 'email to', 'message to', 'any mail', 'any email',
  'any message', 'sent to', 'sent by', 'reach', 'arrive', 'arrived', 'received', 'got', 'get the mail', 'get the email',
];

export const QUARANTINE_WORDS: readonly string[] = ['quarantine', 'quarantined', 'quarantines', 'quarantining'];
export const RELEASE_PHRASES: readonly string[] = [
  'release', 'released', 'releasing', 'unquarantine', 'let it through', 'let them through', 'let through', 'free it', 'restore it',
  'request release', 'approve it',
];
/** A bare release request ("release it") completes from the previous question. */
export const RELEASE_REFERENCES: readonly string[] = ['it', 'that', 'this', 'them', 'those', 'these', 'that one', 'this one', 'the message', 'the mail', 'the email'];

export const HEALTH_PHRASES: readonly string[] = [
  'outage', 'outages', 'service health', 'health', 'service status', 'incident', 'incidents', 'advisory', 'advisories', 'degraded',
  'degradation', 'exchange down', 'exchange online down', 'office 365 down', 'o365 down', 'm365 down', 'microsoft 365 down',
  'outlook down', 'is exchange down', 'known issue', 'known issues', 'service issue', 'service issues', 'status of exchange',
  'exchange status', 'is down', 'down right now', 'mail working', 'email working', 'email problems', 'mail problems',
  'microsoft having', 'exchange having', 'status page', 'service down', 'down for everyone', 'anyone else having', 'service degradation',
];
/** A Microsoft product named with a state ("is Exchange OK today?", "issues … is it Microsoft?") asks about health. */
export const PRODUCT_WORDS: readonly string[] = [
  'exchange', 'exchange online', 'microsoft', 'office 365', 'o365', 'm365', 'microsoft 365', 'outlook', 'eop', 'defender', 'azure',
];
export const STATUS_WORDS: readonly string[] = [
  'ok', 'okay', 'working', 'up', 'fine', 'healthy', 'issues', 'issue', 'problems', 'problem', 'trouble', 'broken', 'slow',
  'having issues', 'having problems', 'anyone else', 'everyone', 'down',
];

/** Health questions name the service: "is exchange down", not "is bob's mailbox down". */
export const SERVICE_WORDS: readonly string[] = [
  'exchange', 'office', 'o365', 'm365', 'microsoft', 'outlook', 'eop', 'service', 'services', 'health', 'outage', 'outages',
  'incident', 'incidents', 'advisory', 'status', 'degraded', 'tenant', 'email', 'mail', 'it', 'everyone', 'everything',
];

export const CHECK_WORDS: readonly (readonly [DomainCheck, readonly string[]])[] = [
  ['spf', ['spf', 'sender policy framework']],
  ['dkim', ['dkim', 'domainkeys', 'domain keys']],
  ['dmarc', ['dmarc']],
  ['mx', ['mx', 'mx record', 'mx records', 'mail exchanger']],
  ['mta-sts', ['mta-sts', 'mta sts', 'mtasts', 'mta_sts']],
];
/** A request for every domain check ("audit email dns for x"): `checks` stays empty, meaning all. */
export const DOMAIN_AUDIT_PHRASES: readonly string[] = [
  'dns', 'dns records', 'email dns', 'records', 'record', 'email authentication', 'mail authentication', 'authentication',
  'audit', 'check domain', 'check the domain', 'domain check', 'check dns', 'domain health', 'validate', 'verify',
];

export const SMTP_TEST_PHRASES: readonly string[] = [
  'smtp test', 'test smtp', 'smtp connectivity', 'connectivity test', 'test inbound', 'inbound test', 'inbound smtp', 'test the mx',
  'test mx', 'test the mx', 'starttls', 'start tls', 'telnet', 'port 25', 'remote connectivity analyzer', 'connectivity analyzer',
  'receive email from internet', 'receive mail from internet', 'receive email from the internet', 'receive mail from the internet',
  'smtp check', 'check smtp', 'test mail flow', 'test inbound mail', 'mx test', 'tls test', 'test tls',
];
export const IP_CHECK_PHRASES: readonly string[] = [
  'blocklist', 'blocklisted', 'blacklist', 'blacklisted', 'block list', 'black list', 'blocklists', 'blacklists', 'dnsbl', 'rbl',
  'spamhaus', 'spamcop', 'barracuda', 'sorbs', 'listed', 'reverse dns', 'rdns', 'ptr', 'ptr record', 'reputation', 'ip reputation',
  'sending ip', 'outbound ip', 'check ip', 'ip check', 'fcrdns', 'delist',
];
export const CONNECTOR_PHRASES: readonly string[] = ['connector', 'connectors', 'smart host', 'smarthost', 'hybrid connector'];
export const TEST_MESSAGE_PHRASES: readonly string[] = [
  'send a test', 'send test', 'send me a test', 'test message', 'test mail', 'test email', 'send a message to', 'send an email to',
  'sending a test',
];
export const CODE_PHRASES: readonly string[] = [
  'mean', 'means', 'meaning', 'explain', 'what is', 'whats', 'what does', 'decode', 'code', 'status', 'error', 'ndr code',
];
export const HELP_PHRASES: readonly string[] = [
  'help', 'what can you do', 'what can you check', 'what do you do', 'how do i use', 'how to use', 'commands', 'usage', 'examples',
  'capabilities', 'what are you', 'who are you', 'menu', 'options', 'get started', 'hello', 'hi', 'hey', 'start',
];
export const THANKS_PHRASES: readonly string[] = [
  'thanks', 'thank you', 'thank u', 'thx', 'thnx', 'thanx', 'ty', 'tyvm', 'cheers', 'merci', 'danke', 'gracias', 'appreciate it',
  'much appreciated', 'thankyou', 'thanks a lot', 'many thanks',
];
/** Filler that may surround a thank-you without making it a new question. */
export const THANKS_FILLER: ReadonlySet<string> = new Set([
  'ok', 'okay', 'great', 'perfect', 'awesome', 'nice', 'cool', 'good', 'that', 'fixed', 'it', 'worked', 'works', 'solved', 'a', 'lot',
  'so', 'much', 'very', 'all', 'for', 'the', 'help', 'your', 'you', 'guys', 'bot', 'again', 'mate', 'man', 'super', 'excellent',
  'brilliant', 'got', 'now', 'yes', 'yep', 'sure', 'fine', 'done', 'cheers', 'really', 'helped', 'mailflow', 'doctor', 'ty', 'thanks',
  'thank', 'thx', 'vm', 'tyvm', 'this', 'is', 'was', 'helpful', 'oh', 'ah', 'wow', 'amazing',
]);

/** Words that start a follow-up ("and yesterday?", "what about jane@…", "same for last week"). */
export const FOLLOW_UP_OPENERS: readonly string[] = [
  'and', 'what about', 'how about', 'same for', 'same', 'also', 'now', 'then', 'ok and', 'okay and', 'and what about',
  'and for', 'and also', 'but', 'or', 'again', 'try', 'what if', 'also for', 'repeat for', 'do the same for',
];
/** "check their SPF" points at the other party of the previous question; "our" at our own side. */
export const THEIR_WORDS: readonly string[] = ['their', 'theirs', 'his', 'her', 'the recipient', 'recipients', 'the sender', 'senders', 'remote', 'partner', 'partners'];
export const OUR_WORDS: readonly string[] = ['our', 'ours', 'my', 'we', 'us', 'own'];

/** Address role cues that come right before an address ("mail to X", "from X"). */
export const RECIPIENT_CUES: ReadonlySet<string> = new Set([
  'to', '2', 'into', 'cc', 'bcc', 'recipient', 'recipients', 'rcpt', 'reach', 'reaching', 'reached', 'emailing', 'mailing',
  'messaging', 'email', 'e-mail', 'mail', 'emailed', 'mailed', 'towards', 'x-original-to', 'original-recipient', 'final-recipient',
  'delivered-to', 'envelope-to', 'for', 'of', 'inbox', 'mailbox', 'recipientaddress', 'receiver', 'addressee',
]);
export const SENDER_CUES: ReadonlySet<string> = new Set([
  'from', 'by', 'sender', 'senders', 'return-path', 'mailfrom', 'envelope-from', 'sent-by', 'senderaddress', 'frm', 'fom',
]);
/** Weak cues ("mail for X") lose to a domain match when a follow-up replaces an address. */
export const WEAK_CUES: ReadonlySet<string> = new Set(['for', 'of', 'email', 'e-mail', 'mail', 'inbox', 'mailbox']);
/** Words that may sit between a cue and its address: "to our customer Ken Li <ken@…>". */
export const ROLE_FILLER: ReadonlySet<string> = new Set([
  'the', 'our', 'my', 'his', 'her', 'their', 'a', 'an', 'user', 'users', 'mailbox', 'address', 'customer', 'customers', 'client',
  'external', 'internal', 'colleague', 'partner', 'vendor', 'supplier', 'shared', 'account', 'email', 'mail', 'new', 'rfc822',
  'smtp', 'this', 'that', 'addr', 'mr', 'mrs', 'ms', 'dr', 'contact', 'group', 'distribution', 'list', 'alias', 'ceo', 'cfo',
  'boss', 'manager', 'team', 'person', 'guy', 'lady', 'all', 'both', 'mailto', 'mail-to', 'e-mail', 'employee', 'staff',
]);
/** After an address: "X can't send", "X keeps getting NDRs", "X's mails to" make X the sender. */
export const SENDS_AFTER: readonly string[] = [
  'cant send', 'cannot send', 'can not send', 'unable to send', 'not able to send', 'couldnt send', 'could not send', 'is sending',
  'was sending', 'sends', 'sent', 'send', 'sending', 'cant email', 'cannot email', 'cant mail', 'cant reach', 'cannot reach',
  'unable to reach', 'can not reach', 'writes to', 'wrote to', 'emailed', 'mails to', 'emails to', 'messages to', 'mail to',
  'email to', 'message to', 'keeps getting ndr', 'keeps getting ndrs', 'gets ndr', 'gets an ndr', 'got an ndr', 'getting ndr',
  'getting ndrs', 'getting bounce', 'getting bounces', 'gets bounce', 'gets bounces', 'gets a bounce', 'got a bounce',
  'receives ndr', 'receiving ndr', 'receiving ndrs', 'getting undeliverable', 'gets undeliverable', 'got undeliverable',
  'keeps bouncing', 'bounces', 'cant deliver', 'failed to deliver', 'fails to deliver', 'mail bounce', 'email bounce',
];
export const RECEIVES_AFTER: readonly string[] = [
  'get', 'got', 'gets', 'getting', 'receive', 'received', 'receives', 'receiving', 'recieve', 'recieved', 'recieving', 'never got',
  'didnt get', 'did not get', 'hasnt received', 'has not received', 'not receiving', 'isnt getting', 'is not getting', 'cant receive',
  'cannot receive', 'unable to receive', 'inbox', 'is missing', 'missing', 'never received', 'does not get', 'doesnt get',
];

/**
 * Canonical words that typos are corrected to (one edit away, words of five letters or more). Short words are not
 * corrected: "spam" and "span" are both words, and a wrong correction is worse than none.
 */
export const TYPO_TARGETS: readonly string[] = [
  'bounce', 'bounced', 'bounces', 'bouncing', 'bounceback', 'undeliverable', 'undelivered', 'delivered', 'delivery', 'receive',
  'received', 'receiving', 'quarantine', 'quarantined', 'release', 'released', 'delayed', 'missing', 'message', 'messages',
  'emails', 'outage', 'health', 'service', 'exchange', 'trace', 'blocklisted', 'blacklisted', 'blocklist', 'blacklist',
  'certificate', 'connector', 'rejected', 'rejecting', 'returned', 'arrive', 'arrived', 'never', 'getting', 'sending', 'explain',
  'meaning', 'check', 'record', 'records', 'domain', 'inbound', 'outbound', 'thanks', 'yesterday', 'today', 'morning', 'hours',
  'minutes', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'november', 'december', 'january',
  'february', 'september', 'october', 'august', 'quarantined', 'incident', 'degraded', 'connectivity', 'dmarc', 'mta-sts',
  'starttls', 'please', 'deliver', 'failed', 'status', 'mailbox',
];

/** Common shorthand and misspellings too short or too far for the one-edit rule. */
export const SHORTHAND: ReadonlyMap<string, string> = new Map([
  ['emial', 'email'], ['emal', 'email'], ['e-mail', 'email'], ['e-mails', 'emails'], ['mial', 'mail'], ['mails', 'mails'],
  ['msg', 'message'], ['msgs', 'messages'], ['recv', 'receive'], ['rcvd', 'received'], ['pls', 'please'], ['plz', 'please'],
  ['u', 'you'], ['ur', 'your'], ['r', 'are'], ['teh', 'the'], ['chek', 'check'], ['chk', 'check'], ['ckeck', 'check'],
  ['bouced', 'bounced'], ['bounched', 'bounced'], ['bonced', 'bounced'], ['qurantine', 'quarantine'], ['quarentine', 'quarantine'],
  ['quarantaine', 'quarantine'], ['quaranteen', 'quarantine'], ['quarantene', 'quarantine'], ['recieve', 'receive'],
  ['recieved', 'received'], ['recieving', 'receiving'], ['recrod', 'record'], ['recrods', 'records'], ['reocrd', 'record'],
  ['spf1', 'spf'], ['dmark', 'dmarc'], ['dkm', 'dkim'], ['jnk', 'junk'], ['yday', 'yesterday'], ['yest', 'yesterday'],
  ['tmrw', 'tomorrow'], ['hrs', 'hours'], ['hr', 'hour'], ['mins', 'minutes'], ['min', 'minutes'], ['wk', 'week'], ['wks', 'weeks'],
  ['exch', 'exchange'], ['exo', 'exchange'], ['o365', 'o365'], ['ndrs', 'ndrs'], ['bounceback', 'bounceback'],
  ['bounce-back', 'bounceback'], ['non-delivery', 'nondelivery'], ['blacklist', 'blacklist'], ['didn', 'didnt'], ['cant', 'cant'],
  ['wont', 'wont'], ['isnt', 'isnt'], ['doesnt', 'doesnt'], ['hasnt', 'hasnt'], ['havent', 'havent'], ['arent', 'arent'],
  ['wasnt', 'wasnt'], ['couldnt', 'couldnt'], ['thnks', 'thanks'], ['thanx', 'thanx'], ['thankyou', 'thankyou'],
]);
