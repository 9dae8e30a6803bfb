/** Connectivity tests like Microsoft's Remote Connectivity Analyzer: inbound SMTP, a sending IP, connector smart hosts. */
export { testInboundSmtp, verdictOf, type InboundHostReport, type InboundSmtpReport, type Verdict } from './inbound';
export { checkSendingIp, reverseName, type BlocklistAnswer, type ReverseName, type SendingIpReport } from './ip';
export {
  checkConnectors, inboundConnectorOf, outboundConnectorOf,
  type ConnectorReport, type InboundConnector, type OutboundConnector, type OutboundConnectorReport, type SmartHostReport, type TlsSettings,
} from './connectors';
export { CONNECTIVITY_FINDINGS, connectivityFinding, type ConnectivityCode } from './findings';
export { certificateCovers, expiryPhrase, EXPIRY_WARNING_DAYS, findingsOfProbe, type TlsExpectations } from './probe-findings';
export type { CmdletRow, ConnectivityDeps, ConnectivityServices, ConnectorSource, TenantConnectivity } from './deps';
export {
  checkTestMessage, followTestMessage, isFinal, newTag, sendTestMessage, TEST_MESSAGE_TIMEOUT_MINUTES,
  type FollowOptions, type TestMailSource, type TestMessage, type TestMessageStatus,
} from './test-message';
export { tenantConnectivity } from './tenant';
