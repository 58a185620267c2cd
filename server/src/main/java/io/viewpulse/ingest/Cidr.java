package io.viewpulse.ingest;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 network such as {@code 10.0.0.0/8}; a bare address is a /32 or /128. */
record Cidr(byte[] network, int prefix) {
  static Cidr parse(String s) {
    String t = s.strip();
    int slash = t.indexOf('/');
    try {
      byte[] addr = literal(slash < 0 ? t : t.substring(0, slash)).getAddress();
      int prefix = slash < 0 ? addr.length * 8 : Integer.parseInt(t.substring(slash + 1));
      if (prefix < 0 || prefix > addr.length * 8) {
        throw new IllegalArgumentException("prefix out of range in '" + s + "'");
      }
      return new Cidr(addr, prefix);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a network: '" + s + "'");
    }
  }

  boolean contains(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (b[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (b[full] & mask) == (network[full] & mask);
  }

  /** Parses an IP literal; never resolves a host name (a hostile header must not cause DNS lookups). */
  static InetAddress literal(String s) {
    String t = s.strip();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    byte[] b = io.netty.util.NetUtil.createByteArrayFromIpAddressString(t);
    if (b == null) {
      throw new IllegalArgumentException("not an IP address: '" + s + "'");
    }
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: '" + s + "'");
    }
  }
}
