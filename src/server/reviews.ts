// The review kinds: created, answered, never stored. SelfSubjectReview says who the token holder
// is (`kubectl auth whoami`); SelfSubjectAccessReview and SelfSubjectRulesReview say what they
// may do (`kubectl auth can-i`): everything, as for a member of system:masters on kube-apiserver,
// whose privileged-group authorizer answers with no reason.
import { errors } from './status.ts';
import { groupVersion, type ResourceType } from './resources.ts';
import { now } from './objects.ts';
import type { Obj } from './store.ts';

/** Who every request to serve is: the token holder (or anyone, over --insecure-http). */
export const USER = { username: 'egressctl-local-admin', uid: 'egressctl-local-admin', groups: ['system:masters', 'system:authenticated'] };

/** As kube-apiserver lists them for a member of system:masters (the RBAC bootstrap roles' rules, in its order). */
const RULES = {
  resourceRules: [
    { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
    { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
    { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  ],
  nonResourceRules: [
    { verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] },
    { verbs: ['*'], nonResourceURLs: ['*'] },
    { verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'] },
  ],
  incomplete: false,
};

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The answer to a review (201), from the decoded request. */
export function answerReview(t: ResourceType, body: Obj): Obj {
  const head = { kind: t.kind, apiVersion: groupVersion(t) };
  const spec = isObject(body.spec) ? body.spec : {};
  switch (t.kind) {
    case 'SelfSubjectReview':
      return { ...head, metadata: { creationTimestamp: now() }, status: { userInfo: { ...USER, groups: [...USER.groups] } } };
    case 'SelfSubjectAccessReview': {
      const both = isObject(spec.resourceAttributes) === isObject(spec.nonResourceAttributes);
      if (both) {
        const which = isObject(spec.resourceAttributes) ? 'nonResourceAttributes' : 'resourceAttributes';
        const shown = isObject(spec.resourceAttributes) ? JSON.stringify(spec.nonResourceAttributes) : 'null';
        throw errors.invalid('', t.group, '', [{ field: `spec.${which}`, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(shown)}: exactly one of nonResourceAttributes or resourceAttributes must be specified` }]);
      }
      return { ...head, metadata: { creationTimestamp: null }, spec, status: { allowed: true } };
    }
    case 'SelfSubjectRulesReview':
      return { ...head, metadata: { creationTimestamp: null }, spec: {}, status: structuredClone(RULES) };
    default:
      throw errors.methodNotAllowed();
  }
}
