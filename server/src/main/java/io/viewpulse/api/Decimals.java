package io.viewpulse.api;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Writes a double rounded to seven significant digits, as JSON number bytes, in the notation of
 * {@link Float#toString}: plain from 10<sup>-3</sup> up to 10<sup>7</sup> ({@code 350.0}, {@code 0.25},
 * {@code 0.3333333}), else {@code 1.5E-4}; trailing zeros dropped, at least one digit after the point.
 *
 * <p>Seven digits are a float's precision, which is all a rate or a TTFF estimate means. Getting there with one
 * multiplication and integer digits costs a fraction of a shortest-representation conversion (Schubfach), which
 * was most of the time an hourly series spent in its encoding. The rounding is that of the double product, so a
 * value whose eighth digit is within a few units of the double's precision of a half may round the other way.
 */
final class Decimals {
  /** Room {@link #write} may take: sign, seven digits, point, up to three leading zeros or an exponent. */
  static final int MAX_BYTES = 16;

  private static final int DIGITS = 7;
  private static final long TOP = 10_000_000L;
  private static final int MIN_EXP = -50;
  private static final int MAX_EXP = 50;
  private static final double[] POW10 = new double[MAX_EXP - MIN_EXP + 1];
  /** "00" to "99": the digits of a number are written two to a division. */
  private static final byte[] PAIRS = new byte[200];
  private static final long[] LONG_POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

  static {
    for (int i = 0; i < 100; i++) {
      PAIRS[2 * i] = (byte) ('0' + i / 10);
      PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
    }
    for (int e = MIN_EXP; e <= MAX_EXP; e++) {
      // parsed, not multiplied: each is the double nearest its power of ten
      POW10[e - MIN_EXP] = Double.parseDouble("1e" + e);
    }
  }

  private Decimals() {}

  /**
   * Writes {@code v} at {@code pos} and returns the position after it. {@code v} must be finite; one beyond the
   * range of a float's exponents is written in scientific notation all the same.
   */
  static int write(double v, byte[] b, int pos) {
    if (v == 0) {
      return zero(b, pos);
    }
    if (v < 0) {
      b[pos++] = '-';
      v = -v;
    }
    int e = (int) Math.floor(Math.getExponent(v) * 0.30102999566398120);
    if (e < MIN_EXP + DIGITS || e > MAX_EXP - 1) {
      return scientificFallback(v, b, pos);
    }
    if (v >= pow10(e + 1)) {
      e++;
    } else if (v < pow10(e)) {
      e--;
    }
    int shift = DIGITS - 1 - e;
    long m = Math.round(shift >= 0 ? v * pow10(shift) : v / pow10(-shift));
    if (m >= TOP) {
      // rounded up to the next power of ten
      m /= 10;
      e++;
    }
    if (e >= -3 && e < 7) {
      return plain(m, e, b, pos);
    }
    return scientific(m, e, b, pos);
  }

  private static int plain(long m, int e, byte[] b, int pos) {
    if (e >= 0) {
      int fractionDigits = DIGITS - 1 - e;
      long unit = LONG_POW10[fractionDigits];
      pos = digits(m / unit, e + 1, b, pos);
      b[pos++] = '.';
      return fraction(m % unit, fractionDigits, b, pos);
    }
    b[pos++] = '0';
    b[pos++] = '.';
    for (int i = -1; i > e; i--) {
      b[pos++] = '0';
    }
    return fraction(m, DIGITS, b, pos);
  }

  private static int scientific(long m, int e, byte[] b, int pos) {
    long unit = LONG_POW10[DIGITS - 1];
    b[pos++] = (byte) ('0' + m / unit);
    b[pos++] = '.';
    pos = fraction(m % unit, DIGITS - 1, b, pos);
    b[pos++] = 'E';
    if (e < 0) {
      b[pos++] = '-';
      e = -e;
    }
    return digits(e, e >= 100 ? 3 : e >= 10 ? 2 : 1, b, pos);
  }

  /** {@code f}, a fraction of {@code n} digits, without its trailing zeros; a lone 0 when it is zero. */
  private static int fraction(long f, int n, byte[] b, int pos) {
    if (f == 0) {
      b[pos++] = '0';
      return pos;
    }
    int g = (int) f;
    while (g % 10 == 0) {
      g /= 10;
      n--;
    }
    f = g;
    return digits(f, n, b, pos);
  }

  /** Exactly {@code n} digits of {@code x} (below 10<sup>7</sup>), zero-padded on the left, two at a time. */
  private static int digits(long x, int n, byte[] b, int pos) {
    int v = (int) x;
    int i = pos + n;
    while (i - pos >= 2) {
      int q = v / 100;
      int r = (v - q * 100) * 2;
      b[--i] = PAIRS[r + 1];
      b[--i] = PAIRS[r];
      v = q;
    }
    if (i > pos) {
      b[--i] = (byte) ('0' + v % 10);
    }
    return pos + n;
  }

  /** Beyond the table: rare enough (no metric gets there) to go through BigDecimal. */
  private static int scientificFallback(double v, byte[] b, int pos) {
    BigDecimal r = new BigDecimal(v).round(new MathContext(DIGITS));
    long m = r.unscaledValue().longValueExact();
    while (m < TOP / 10) {
      m *= 10;
    }
    while (m >= TOP) {
      m /= 10;
    }
    return scientific(m, r.precision() - r.scale() - 1, b, pos);
  }

  private static int zero(byte[] b, int pos) {
    b[pos++] = '0';
    b[pos++] = '.';
    b[pos++] = '0';
    return pos;
  }

  private static double pow10(int e) {
    return POW10[e - MIN_EXP];
  }
}
