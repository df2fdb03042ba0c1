// Request bodies: JSON or YAML by Content-Type; anything else is 415.
import yaml from 'js-yaml';
import { errors } from './status.ts';
import { goJsonSyntaxError } from './gojson.ts';
import { summarizeData } from './objects.ts';
import { PROTOBUF_CONTENT_TYPE, decodeProtobuf, protobufKindSupported } from './protobuf.ts';

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** Decodes a POST/PUT body (JSON, or YAML as kube-apiserver also accepts). */
export function parseBody(raw: Buffer, contentType: string | undefined, kind: string, apiVersion = 'v1'): unknown {
  const mt = mediaType(contentType);
  if (mt === '' || mt === 'application/json' || mt === '*/*') return parseJson(raw, kind);
  if (mt === 'application/yaml') return parseYaml(raw, kind);
  if (mt === PROTOBUF_CONTENT_TYPE && protobufKindSupported(kind, apiVersion)) return decodeProtobuf(raw, kind);
  throw errors.unsupportedMediaType(mt, false);
}

export function parseJson(raw: Buffer, kind: string): unknown {
  const syntax = goJsonSyntaxError(raw);
  if (syntax) throw errors.badRequest(`the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: ${syntax} (${summarizeData(raw)})`);
  return JSON.parse(raw.toString('utf8'));
}

export function parseYaml(raw: Buffer, kind: string): unknown {
  const text = raw.toString('utf8');
  try {
    return yaml.load(text, { schema: yaml.JSON_SCHEMA });
  } catch (e) {
    throw errors.badRequest(`the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; yaml parse error: ${(e as Error).message.split('\n')[0]} (${summarizeData(raw)})`);
  }
}
