package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Quality figures written to seven significant digits, in {@link Float#toString}'s notation. */
class DecimalsTest {
  /** Float.toString's two shapes: plain with a digit after the point, or d.dddE±x. */
  private static final Pattern NOTATION = Pattern.compile("-?(0|[1-9][0-9]*)\\.[0-9]+|-?[1-9]\\.[0-9]+E-?[1-9][0-9]*");

  private static String text(double v) {
    byte[] b = new byte[Decimals.MAX_BYTES + 8];
    int n = Decimals.write(v, b, 4) - 4;
    assertThat(n).isLessThanOrEqualTo(Decimals.MAX_BYTES);
    return new String(b, 4, n, StandardCharsets.US_ASCII);
  }

  @Test
  void writesTheValuesOfAViewsAnswerAsAReaderExpectsThem() {
    assertThat(text(0)).isEqualTo("0.0");
    assertThat(text(-0.0)).isEqualTo("0.0");
    assertThat(text(350)).isEqualTo("350.0");
    assertThat(text(0.25)).isEqualTo("0.25");
    assertThat(text(1 / 3.0)).isEqualTo("0.3333333");
    assertThat(text(2 / 3.0)).isEqualTo("0.6666667");
    assertThat(text(1100.0 / 14_900.0)).isEqualTo("0.0738255");
    assertThat(text(412.34561234)).isEqualTo("412.3456");
    assertThat(text(-0.5)).isEqualTo("-0.5");
    assertThat(text(1234567)).isEqualTo("1234567.0");
  }

  @Test
  void switchesToAnExponentWhereFloatToStringDoes() {
    assertThat(text(0.001)).isEqualTo("0.001");
    assertThat(text(0.00099999996)).as("rounds up into the plain range").isEqualTo("0.001");
    assertThat(text(0.000999)).isEqualTo("9.99E-4");
    assertThat(text(1e-4)).isEqualTo("1.0E-4");
    assertThat(text(1.5e-4)).isEqualTo("1.5E-4");
    assertThat(text(9_999_999.4)).isEqualTo("9999999.0");
    assertThat(text(9_999_999.6)).as("rounds up out of the plain range").isEqualTo("1.0E7");
    assertThat(text(12_345_678)).isEqualTo("1.234568E7");
    assertThat(text(6.02214076e23)).isEqualTo("6.022141E23");
  }

  @Test
  void writesValuesFarOutsideAFloatsRangeAllTheSame() {
    assertThat(text(1e-45)).isEqualTo("1.0E-45");
    assertThat(text(Double.MIN_VALUE)).isEqualTo("4.940656E-324");
    assertThat(text(1e300)).isEqualTo("1.0E300");
    assertThat(text(-Double.MAX_VALUE)).isEqualTo("-1.797693E308");
  }

  @Property(tries = 20_000)
  void isTheValueRoundedToSevenSignificantDigits(
      @ForAll @DoubleRange(min = 1, max = 10, maxIncluded = false) double mantissa,
      @ForAll @IntRange(min = -60, max = 60) int exponent) {
    double v = mantissa * Math.pow(10, exponent);
    String s = text(v);
    assertThat(s).matches(NOTATION);
    BigDecimal exact = new BigDecimal(v).round(new MathContext(7));
    BigDecimal written = new BigDecimal(s);
    // the digits come from one double product: off by one in the seventh digit only at a near tie
    BigDecimal unit = exact.ulp();
    assertThat(written.subtract(exact).abs()).as(s + " for " + v).isLessThanOrEqualTo(unit);
    assertThat(written.stripTrailingZeros().precision()).isLessThanOrEqualTo(7);
  }
}
