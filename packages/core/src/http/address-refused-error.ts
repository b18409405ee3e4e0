/** An outgoing connection was refused by the SSRF guard; the message names the address and how to allow it. */
import { TesseraError } from '../errors/tessera-error.js';

export class AddressRefusedError extends TesseraError {
  readonly address: string;
  readonly category: string;

  constructor(host: string, address: string, category: string) {
    const shown = host === address ? address : `${host} (${address})`;
    super(
      'address-refused',
      `Refused to connect to ${shown}: it is a ${category} address, which outgoing requests may not reach by default. ` +
        `If this target is intended, allow it with the network allow-list (coreModule({ network: { allow: ['${address}'] } })) or allow all private addresses with network.allowPrivate.`,
      { details: { host, address, category } },
    );
    this.address = address;
    this.category = category;
  }
}
