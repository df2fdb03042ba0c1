// Reading the fields of a message given in proto or lowerCamel names: fields.ts readFields, with
// the values held in a plain object instead of two Maps per message (validation reads a dozen
// messages per object). Pure.

/** The fields read from one message, by lowerCamel name. */
export interface FieldValues {
  get(name: string): unknown;
  has(name: string): boolean;
}

const hasOwn = Object.prototype.hasOwnProperty;

class Values implements FieldValues {
  constructor(private readonly values: Record<string, unknown>) {}

  get(name: string): unknown {
    return hasOwn.call(this.values, name) ? this.values[name] : undefined;
  }

  has(name: string): boolean {
    return hasOwn.call(this.values, name);
  }
}

/**
 * Reads the fields of a message given in proto or lowerCamel names, as fields.ts readFields does
 * (same problems, same order): `fields` maps each accepted input name to its lowerCamel name;
 * unknown names and a field given twice are problems, named by path (`path` ends with `.` or is
 * empty).
 */
export function readFieldValues(obj: Record<string, unknown>, fields: Record<string, string>, path: string, problems: string[]): FieldValues {
  const values: Record<string, unknown> = {};
  const keys = Object.keys(obj);
  for (const key of keys) {
    const name = fields[key];
    if (name === undefined) {
      problems.push(`unknown field "${path}${key}"`);
      continue;
    }
    // A key the table has only through Object.prototype (`toString`): readFields keeps its value
    // under a name no reader asks for, so nothing is kept.
    if (typeof name !== 'string') continue;
    if (hasOwn.call(values, name)) {
      // The first key that gave this name.
      const other = keys.find((k) => fields[k] === name)!;
      problems.push(`field "${path}${key}" given twice (also as "${path}${other}")`);
      continue;
    }
    values[name] = obj[key];
  }
  return new Values(values);
}
