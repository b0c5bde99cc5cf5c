import type { Counter, Histogram, MetricsProvider } from '../common/metrics/metrics-provider.js';

/** Fabric's endorser metrics, with its names and labels. */
export interface EndorserMetrics {
  proposalDuration: Histogram;
  proposalsReceived: Counter;
  successfulProposals: Counter;
  proposalValidationFailures: Counter;
  proposalAclFailures: Counter;
  endorsementFailures: Counter;
  duplicateTransactionFailures: Counter;
  simulationFailures: Counter;
}

export function newEndorserMetrics(p: MetricsProvider): EndorserMetrics {
  const ns = 'endorser';
  const byChaincode = ['channel', 'chaincode'];
  return {
    proposalDuration: p.newHistogram({
      namespace: ns,
      name: 'proposal_duration',
      help: 'The time to complete a proposal.',
      labelNames: ['channel', 'chaincode', 'success'],
    }),
    proposalsReceived: p.newCounter({ namespace: ns, name: 'proposals_received', help: 'The number of proposals received.' }),
    successfulProposals: p.newCounter({ namespace: ns, name: 'successful_proposals', help: 'The number of successful proposals.' }),
    proposalValidationFailures: p.newCounter({
      namespace: ns,
      name: 'proposal_validation_failures',
      help: 'The number of proposals that have failed initial validation.',
    }),
    proposalAclFailures: p.newCounter({
      namespace: ns,
      name: 'proposal_acl_failures',
      help: 'The number of proposals that failed ACL checks.',
      labelNames: byChaincode,
    }),
    endorsementFailures: p.newCounter({
      namespace: ns,
      name: 'endorsement_failures',
      help: 'The number of failed endorsements.',
      labelNames: ['channel', 'chaincode', 'chaincodeerror'],
    }),
    duplicateTransactionFailures: p.newCounter({
      namespace: ns,
      name: 'duplicate_transaction_failures',
      help: 'The number of failed proposals due to duplicate transaction ID.',
      labelNames: byChaincode,
    }),
    simulationFailures: p.newCounter({
      namespace: ns,
      name: 'proposal_simulation_failures',
      help: 'The number of failed proposal simulations',
      labelNames: byChaincode,
    }),
  };
}
