package io.viewpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.viewpulse.testing.TestServer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The network of an address from the test ASN databases (tools/make-test-mmdb.pl writes test-asn.mmdb; the CSV files
 * are in the layout of the npm package @ip-location-db/asn).
 */
class AsnLookupTest {
  private static AsnLookup.Asn find(AsnLookup l, String address) throws Exception {
    return l.lookup(InetAddress.getByName(address));
  }

  @Test
  void theMmdbLayoutGivesNumberAndOrganisation() throws Exception {
    try (AsnLookup l = new AsnLookup(List.of(TestServer.geo("test-asn.mmdb")))) {
      assertThat(l.enabled()).isTrue();
      assertThat(find(l, "192.0.2.7")).isEqualTo(new AsnLookup.Asn("64500", "Example Cable Ltd"));
      assertThat(find(l, "198.51.100.250")).isEqualTo(new AsnLookup.Asn("64501", "Beispiel Telekom AG"));
      assertThat(find(l, "2001:db8::1")).isEqualTo(new AsnLookup.Asn("64502", "Example IPv6 Networks"));
      assertThat(find(l, "203.0.113.1")).isEqualTo(AsnLookup.Asn.UNKNOWN);
    }
  }

  @Test
  void csvFilesAreRangesAndTheFirstFileThatKnowsAnAddressAnswers() throws Exception {
    try (AsnLookup l = new AsnLookup(List.of(TestServer.geo("test-asn-ipv4.csv"), TestServer.geo("test-asn-ipv6.csv"),
        TestServer.geo("test-asn.mmdb")))) {
      assertThat(find(l, "192.0.2.0")).as("a range's first address, a quoted name with a comma")
          .isEqualTo(new AsnLookup.Asn("64510", "Example CSV Networks, Inc."));
      assertThat(find(l, "192.0.2.127")).as("its last").isEqualTo(new AsnLookup.Asn("64510",
          "Example CSV Networks, Inc."));
      assertThat(find(l, "192.0.2.128")).as("past the CSV range: the mmdb knows it")
          .isEqualTo(new AsnLookup.Asn("64500", "Example Cable Ltd"));
      assertThat(find(l, "198.51.100.9")).isEqualTo(new AsnLookup.Asn("64511", "Beispiel CSV GmbH"));
      assertThat(find(l, "2001:db8:1::5")).isEqualTo(new AsnLookup.Asn("64512", "Example CSV IPv6"));
      assertThat(find(l, "192.0.1.255")).isEqualTo(AsnLookup.Asn.UNKNOWN);
    }
  }

  @Test
  void withoutADatabaseTheLookupIsOffAndABrokenFileIsRefused() throws Exception {
    try (AsnLookup off = new AsnLookup(List.of())) {
      assertThat(off.enabled()).isFalse();
      assertThat(find(off, "192.0.2.7")).isEqualTo(AsnLookup.Asn.UNKNOWN);
    }
    Path bad = Files.createTempFile("asn", ".csv");
    try {
      Files.writeString(bad, "192.0.2.0,example.com,1,x\n");
      assertThatThrownBy(() -> new AsnLookup(List.of(bad))).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("cannot read ASN database " + bad + ": not an IP address: example.com");
    } finally {
      Files.delete(bad);
    }
  }
}
