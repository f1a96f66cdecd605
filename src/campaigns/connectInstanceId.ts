// The model's InstanceId constraint (length 0..256, ^[a-zA-Z0-9_\-.]*$); the SDK does not check it.
const INSTANCE_ID_PATTERN = /^[a-zA-Z0-9_\-.]*$/;
const INSTANCE_ID_MAX_LENGTH = 256;

/** Returns why `id` is not a valid Amazon Connect instance id, or null when it is. */
export function connectInstanceIdProblem(id: string): string | null {
  if (id.length > INSTANCE_ID_MAX_LENGTH) {
    return `Connect instance id must be at most ${INSTANCE_ID_MAX_LENGTH} characters long (got ${id.length}).`;
  }
  if (!INSTANCE_ID_PATTERN.test(id)) return 'Connect instance id may contain only letters, digits, "_", "-" and ".".';
  return null;
}
