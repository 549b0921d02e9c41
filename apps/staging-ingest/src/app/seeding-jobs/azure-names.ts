/**
 * Azure's naming rules for the resources a seeding job names, from Microsoft's "Naming rules and
 * restrictions for Azure resources" and the Blob service naming page. Each function returns the
 * problems in words (empty when valid).
 */

/**
 * Import job names. Microsoft.ImportExport/jobs: 2-64 characters, letters, digits, underscores and
 * hyphens, starting with a letter or digit. Microsoft.DataBox/jobs (customer disk): 3-24 characters,
 * letters, digits and underscores only, as the Data Box API describes its jobName parameter (its
 * pattern is looser); we apply the stricter reading, so a name is never accepted here and refused by
 * Azure when the import job is created.
 */
export function importJobNameProblems(name: string, provider: 'IMPORT_EXPORT' | 'DATABOX_CUSTOMER_DISK'): string[] {
  const [min, max] = provider === 'IMPORT_EXPORT' ? [2, 64] : [3, 24];
  const problems: string[] = [];
  if (name.length < min || name.length > max) problems.push(`must be ${min} to ${max} characters long for ${provider} (is ${name.length})`);
  if (provider === 'IMPORT_EXPORT' && !/^[A-Za-z0-9_-]*$/.test(name)) problems.push('may contain only letters, digits, underscores and hyphens');
  if (provider === 'DATABOX_CUSTOMER_DISK' && !/^[A-Za-z0-9_]*$/.test(name)) {
    problems.push('may contain only letters, digits and underscores for DATABOX_CUSTOMER_DISK (no hyphens; IMPORT_EXPORT allows them)');
  }
  if (!/^[A-Za-z0-9]/.test(name)) problems.push('must start with a letter or digit');
  if (provider === 'DATABOX_CUSTOMER_DISK' && !/[A-Za-z0-9]$/.test(name)) problems.push('must end with a letter or digit');
  return problems;
}

export function subscriptionIdProblems(id: string): string[] {
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(id)
    ? []
    : ['must be a subscription id (a GUID such as 00000000-0000-0000-0000-000000000000)'];
}

/** 1-90 characters: letters (Unicode), digits, underscores, hyphens, periods, parentheses; no trailing period. */
export function resourceGroupProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < 1 || name.length > 90) problems.push(`must be 1 to 90 characters long (is ${name.length})`);
  if (!/^[\p{L}\p{N}_\-.()]*$/u.test(name)) problems.push('may contain only letters, digits, underscores, hyphens, periods and parentheses');
  if (name.endsWith('.')) problems.push('must not end with a period');
  return problems;
}

/** 3-24 characters, lowercase letters and digits only. */
export function storageAccountProblems(name: string): string[] {
  return /^[a-z0-9]{3,24}$/.test(name) ? [] : ['must be 3 to 24 characters of lowercase letters and digits'];
}

/** 3-63 characters, lowercase letters, digits and hyphens; starts with a letter or digit; every hyphen between letters or digits. */
export function containerNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < 3 || name.length > 63) problems.push(`must be 3 to 63 characters long (is ${name.length})`);
  if (!/^[a-z0-9-]*$/.test(name)) problems.push('may contain only lowercase letters, digits and hyphens');
  if (!/^[a-z0-9]/.test(name) || name.endsWith('-') || name.includes('--')) {
    problems.push('must start and end with a letter or digit, and every hyphen must sit between letters or digits');
  }
  return problems;
}

/** A region's programmatic name as `az account list-locations` shows it, e.g. westeurope, eastus2. */
export function locationProblems(name: string): string[] {
  return /^[a-z][a-z0-9]{1,63}$/.test(name) ? [] : ['must be an Azure region name such as westeurope or eastus2 (lowercase, no spaces)'];
}
