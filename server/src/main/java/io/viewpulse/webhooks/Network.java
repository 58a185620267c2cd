package io.viewpulse.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 network such as {@code 10.0.0.0/8}; a bare address is a /32 or /128. */
record Network(byte[] bytes, int prefix) {
  /** Parses a network or an address literal; null when {@code s} is no IP literal (a host name). */
  static Network parseOrNull(String s) {
    String t = s.strip();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    if (addr.startsWith("[") && addr.endsWith("]")) {
      addr = addr.substring(1, addr.length() - 1);
    }
    byte[] b = io.netty.util.NetUtil.createByteArrayFromIpAddressString(addr);
    if (b == null) {
      if (slash >= 0) {
        throw new IllegalArgumentException("not a network: '" + s + "'");
      }
      return null;
    }
    if (slash < 0) {
      try {
        b = InetAddress.getByAddress(b).getAddress(); // an IPv4-mapped IPv6 address is its IPv4 address
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an address: '" + s + "'");
      }
    }
    int prefix;
    try {
      prefix = slash < 0 ? b.length * 8 : Integer.parseInt(t.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a network: '" + s + "'");
    }
    if (prefix < 0 || prefix > b.length * 8) {
      throw new IllegalArgumentException("prefix out of range in '" + s + "'");
    }
    return new Network(b, prefix);
  }

  static Network of(String cidr) {
    return parseOrNull(cidr);
  }

  boolean contains(byte[] b) {
    if (b.length != bytes.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (b[i] != bytes[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (b[full] & mask) == (bytes[full] & mask);
  }
}
