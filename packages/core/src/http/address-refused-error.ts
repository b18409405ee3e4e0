/** An outgoing connection was refused by the SSRF guard; the message names the address and how to allow it. */
import { TesseraError } from '../errors/tessera-error.js';

/** How a library user lets a refused address through. */
export const DEFAULT_HOW_TO_ALLOW = "the network allow-list (coreModule({ network: { allow: ['{address}'] } })) or allow all private addresses with network.allowPrivate";

export class AddressRefusedError extends TesseraError {
  readonly address: string;
  readonly category: string;

  /** `howToAllow` completes "If this target is intended, allow it with …"; `{address}` is replaced. */
  constructor(host: string, address: string, category: string, howToAllow: string = DEFAULT_HOW_TO_ALLOW) {
    const shown = host === address ? address : `${host} (${address})`;
    super(
      'address-refused',
      `Refused to connect to ${shown}: it is a ${category} address, which outgoing requests may not reach by default. ` +
        `If this target is intended, allow it with ${howToAllow.replaceAll('{address}', address)}.`,
      { details: { host, address, category } },
    );
    this.address = address;
    this.category = category;
  }
}
