import { ArmErrorCode, ArmException } from './arm.exception';

/** The parts of a storage account's ARM id. */
export interface StorageAccountRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly accountName: string;
}

const storageAccountId =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.(?:Storage|ClassicStorage)\/storageAccounts\/([a-z0-9]{3,24})$/i;

/** Parses `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{name}`. */
export function parseStorageAccountId(id: string, target: string): StorageAccountRef {
  const match = storageAccountId.exec(id);
  if (!match?.[1] || !match[2] || !match[3]) {
    throw new ArmException(
      ArmErrorCode.InvalidRequestContent,
      `${target} '${id}' is not a storage account resource id; expected /subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Storage/storageAccounts/{account} (3-24 lowercase letters and digits).`,
      target,
    );
  }
  return { subscriptionId: match[1], resourceGroup: match[2], accountName: match[3].toLowerCase() };
}

/** Checks a job name against a provider's naming rule; ARM answers InvalidResourceName. */
export function requireResourceName(name: string, rule: RegExp, ruleText: string): void {
  if (!rule.test(name)) {
    throw new ArmException(ArmErrorCode.InvalidResourceName, `The job name '${name}' is invalid: ${ruleText}`, 'jobName');
  }
}
