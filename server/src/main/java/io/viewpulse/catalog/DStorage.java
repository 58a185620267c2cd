package io.viewpulse.catalog;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decentralized-storage identifiers of assets: {@code ipfs://<CID>} and {@code ar://<transaction id>}. A bare CID is
 * read as its {@code ipfs://} form, so totals asked by CID and by URL agree.
 */
public final class DStorage {
  private static final Pattern CID_V0 = Pattern.compile("Qm[1-9A-HJ-NP-Za-km-z]{44}");
  private static final Pattern CID_V1 = Pattern.compile("b[a-z2-7]{58,}");
  private static final Pattern AR_TX = Pattern.compile("[A-Za-z0-9_-]{43}");

  private DStorage() {}

  /** The canonical URL for {@code ipfs://CID}, {@code ar://txid} or a bare CID; empty when it is none of those. */
  public static Optional<String> parse(String s) {
    if (s == null) {
      return Optional.empty();
    }
    String v = s.strip();
    if (v.startsWith("ipfs://")) {
      String cid = v.substring(7);
      return isCid(cid) ? Optional.of("ipfs://" + cid) : Optional.empty();
    }
    if (v.startsWith("ar://")) {
      String tx = v.substring(5);
      return AR_TX.matcher(tx).matches() ? Optional.of("ar://" + tx) : Optional.empty();
    }
    return isCid(v) ? Optional.of("ipfs://" + v) : Optional.empty();
  }

  /**
   * How a playback id given to the query API is read, as Livepeer reads it: a bare Arweave transaction id (43
   * base64url characters) or CID, or an {@code ar://} / {@code ipfs://} URL, is a dStorage id; anything else is a
   * playback id (empty).
   */
  public static Optional<String> ofQueryId(String id) {
    if (id == null) {
      return Optional.empty();
    }
    if (AR_TX.matcher(id).matches()) {
      return Optional.of("ar://" + id);
    }
    return parse(id);
  }

  static boolean isCid(String s) {
    return CID_V0.matcher(s).matches() || CID_V1.matcher(s).matches();
  }
}
