import { BadRequestError } from '@ocopea/errors';

/**
 * A name people pick and later find things by (template, instance, saved image): present, not blank, and without
 * spaces at either end. Refused rather than trimmed, so that what is stored is what was asked for; before, '  ' was
 * a valid template name and 'notes ' a different instance from 'notes'.
 */
export function requireName(field: string, value: string | null | undefined): void {
  if (!value) throw new BadRequestError(`Missing ${field}`);
  if (value.trim() === '') throw new BadRequestError(`${field} must not be blank`);
  if (value.trim() !== value) throw new BadRequestError(`${field} '${value}' must not start or end with spaces`);
}
