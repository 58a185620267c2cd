package io.viewpulse.alerts;

import io.viewpulse.auth.MasterKey;
import java.util.HexFormat;

/**
 * Each account's secret for the signatures of its alert notifications: derived from the master key and the account
 * id, so nothing is stored and it changes only with the master key. Written as 64 hex digits; the HMAC key is the
 * ASCII bytes of that text (as Stripe's secrets are used), so a receiver uses the string it was given as it is.
 */
public final class SigningSecrets {
  private final MasterKey master;

  public SigningSecrets(MasterKey master) {
    this.master = master;
  }

  /** The account's secret, as given to its users. */
  public String of(String accountId) {
    return HexFormat.of().formatHex(master.derive("alert-webhook-secret:" + accountId));
  }
}
