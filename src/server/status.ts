// Kubernetes Status objects and the error that carries one from deep code to the HTTP layer.
// Wording follows kube-apiserver (shared/spec/kubectl-probe-notes.md §4.1).

export interface Cause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: Cause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
    readonly headers: Record<string, string> = {},
    /** Answered as this text/plain body instead of a Status (kube-apiserver's `404 page not found`). */
    readonly plain?: string,
  ) {
    super(message);
  }

  toStatus(): Status {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason || undefined, code: this.code };
    if (this.details) s.details = this.details;
    if (!this.reason) delete s.reason;
    return s;
  }
}

/** `egressrules.config.istio.io`, or `namespaces` for the core group. */
export function qualified(plural: string, group: string): string {
  return group ? `${plural}.${group}` : plural;
}

function details(name: string, plural: string, group: string, extra: Partial<StatusDetails> = {}): StatusDetails {
  const d: StatusDetails = { name };
  if (group) d.group = group;
  d.kind = plural;
  return { ...d, ...extra };
}

export const errors = {
  notFound(plural: string, group: string, name: string): ApiError {
    return new ApiError(404, 'NotFound', `${qualified(plural, group)} "${name}" not found`, details(name, plural, group));
  },
  /** A path inside a built-in group-version that serves nothing: a Status with empty details. */
  genericNotFound(): ApiError {
    return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  },
  /** A path nobody serves (no group, a custom resource group's unknown path): Go's mux answer, text/plain. */
  pageNotFound(): ApiError {
    return new ApiError(404, 'NotFound', 'the server could not find the requested resource', undefined, {}, '404 page not found\n');
  },
  alreadyExists(plural: string, group: string, name: string): ApiError {
    return new ApiError(409, 'AlreadyExists', `${qualified(plural, group)} "${name}" already exists`, details(name, plural, group));
  },
  conflict(plural: string, group: string, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError {
    return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(plural, group)} "${name}": ${why}`, details(name, plural, group));
  },
  /** 422: `Kind.group "name" is invalid: field: message` (core group: `Kind "name"`). */
  invalid(kind: string, group: string, name: string, causes: Cause[]): ApiError {
    const what = group ? `${kind}.${group}` : kind;
    const msg = `${what} "${name}" is invalid: ${causes.length === 1 ? formatCause(causes[0]) : `[${causes.map(formatCause).join(', ')}]`}`;
    const d: StatusDetails = {};
    if (name) d.name = name;
    if (group) d.group = group;
    if (kind) d.kind = kind;
    d.causes = causes.map((c) => ({ reason: c.reason ?? 'FieldValueInvalid', message: c.message, field: c.field }));
    return new ApiError(422, 'Invalid', msg, d);
  },
  /** 403: `pods "p" is forbidden: WHY` (admission), details {name, group, kind: plural}. */
  forbidden(plural: string, group: string, name: string, why: string): ApiError {
    return new ApiError(403, 'Forbidden', `${qualified(plural, group)} "${name}" is forbidden: ${why}`, details(name, plural, group));
  },
  badRequest(message: string): ApiError {
    return new ApiError(400, 'BadRequest', message);
  },
  unauthorized(): ApiError {
    return new ApiError(401, 'Unauthorized', 'Unauthorized');
  },
  methodNotAllowed(): ApiError {
    return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
  },
  expired(message: string): ApiError {
    return new ApiError(410, 'Expired', message);
  },
  /** kubectl adds `<type> is not supported by <GVK>: ` itself for patches. */
  unsupportedMediaType(_contentType: string, patch: boolean, custom = true): ApiError {
    const accepted = patch
      ? `application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml${custom ? '' : ', application/strategic-merge-patch+json'}`
      : 'application/json, application/yaml, application/vnd.kubernetes.protobuf';
    return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted}`);
  },
  /** A JSON patch that cannot be applied: kube-apiserver answers 422 with the patch error. */
  invalidPatch(message: string): ApiError {
    return new ApiError(422, 'Invalid', message, {});
  },
  internal(message: string): ApiError {
    return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
  },
};

/** `field: Invalid value: "x": message`, as apimachinery's field.Error prints. */
export function formatCause(c: Cause): string {
  return c.field ? `${c.field}: ${c.message}` : c.message;
}

export function successStatus(name: string, plural: string, group: string, uid: string): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: details(name, plural, group, { uid }) };
}
