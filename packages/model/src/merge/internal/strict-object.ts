/** zod strict objects whose unknown-key error lists the valid keys (zod's own names only the unknown one). */
import { z } from 'zod';

export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const valid = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown key${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => `"${k}"`).join(', ')}; valid keys: ${valid}` : undefined),
  });
}
