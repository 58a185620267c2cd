#!/usr/bin/env perl
# Builds the small GeoIP and ASN databases the tests use, in the layouts Viewpulse reads:
#   test-dbip.mmdb      the flat layout of ip-location-db's DB-IP Lite files (country_code, state1, latitude, ...)
#   test-geolite2.mmdb  MaxMind's GeoLite2 City layout (country.iso_code, subdivisions, location.time_zone, ...)
#   test-asn.mmdb       the ASN layout (autonomous_system_number, autonomous_system_organization)
# Networks are documentation ranges (RFC 5737, RFC 3849) given made-up places.
# Run: apt-get install -y libmaxmind-db-writer-perl && perl tools/make-test-mmdb.pl server/src/test/resources/geo
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my $out = shift // '.';

my %flat_types = map { $_ => 'utf8_string' } qw(country_code state1 state2 city postcode timezone);
$flat_types{latitude} = 'float';
$flat_types{longitude} = 'float';

my $flat = MaxMind::DB::Writer::Tree->new(
    ip_version => 6, record_size => 24, database_type => 'Viewpulse-Test-DBIP',
    languages => ['en'], description => { en => 'Viewpulse test data, flat layout' },
    alias_ipv6_to_ipv4 => 1, remove_reserved_networks => 0, map_key_type_callback => sub { $flat_types{ $_[0] } },
);
my @places = (
    ['192.0.2.0/24',    'US', 'California', 'Mountain View', 37.4220, -122.0841],
    ['198.51.100.0/24', 'DE', 'Bavaria',    'Munich',        48.1374,   11.5755],
    ['203.0.113.0/24',  'GB', 'England',    'London',        51.5072,   -0.1276],
    ['2001:db8::/32',   'JP', 'Tokyo',      'Tokyo',         35.6895,  139.6917],
);
for my $p (@places) {
    $flat->insert_network($p->[0], {
        country_code => $p->[1], state1 => $p->[2], state2 => '', city => $p->[3], postcode => '',
        latitude => $p->[4], longitude => $p->[5], timezone => '',
    });
}
open my $fh, '>:raw', "$out/test-dbip.mmdb" or die $!;
$flat->write_tree($fh);
close $fh;

my %mm_types = (
    continent => 'map', country => 'map', subdivisions => ['array', 'map'], location => 'map', city => 'map',
    names => 'map', en => 'utf8_string', iso_code => 'utf8_string', code => 'utf8_string',
    time_zone => 'utf8_string', latitude => 'double', longitude => 'double', geoname_id => 'uint32',
);
my $mm = MaxMind::DB::Writer::Tree->new(
    ip_version => 6, record_size => 24, database_type => 'GeoLite2-City',
    languages => ['en'], description => { en => 'Viewpulse test data, GeoLite2 layout' },
    alias_ipv6_to_ipv4 => 1, remove_reserved_networks => 0, map_key_type_callback => sub { $mm_types{ $_[0] } },
);
$mm->insert_network('192.0.2.0/24', {
    continent => { code => 'NA', names => { en => 'North America' } },
    country => { iso_code => 'US', names => { en => 'United States' } },
    subdivisions => [ { iso_code => 'CA', names => { en => 'California' } } ],
    city => { names => { en => 'Mountain View' } },
    location => { latitude => 37.386, longitude => -122.0838, time_zone => 'America/Los_Angeles' },
});
open $fh, '>:raw', "$out/test-geolite2.mmdb" or die $!;
$mm->write_tree($fh);
close $fh;

# test-asn.mmdb: the layout of ip-location-db's asn-mmdb files and MaxMind's GeoLite2 ASN
# (autonomous_system_number, autonomous_system_organization); networks are documentation ranges, numbers are
# private-use ASNs (RFC 6996).
my %asn_types = (autonomous_system_number => 'uint32', autonomous_system_organization => 'utf8_string');
my $asn = MaxMind::DB::Writer::Tree->new(
    ip_version => 6, record_size => 24, database_type => 'GeoLite2-ASN',
    languages => ['en'], description => { en => 'Viewpulse test data, ASN layout' },
    alias_ipv6_to_ipv4 => 1, remove_reserved_networks => 0, map_key_type_callback => sub { $asn_types{ $_[0] } },
);
for my $n (['192.0.2.0/24', 64500, 'Example Cable Ltd'], ['198.51.100.0/24', 64501, 'Beispiel Telekom AG'],
    ['2001:db8::/32', 64502, 'Example IPv6 Networks']) {
    $asn->insert_network($n->[0], { autonomous_system_number => $n->[1], autonomous_system_organization => $n->[2] });
}
open $fh, '>:raw', "$out/test-asn.mmdb" or die $!;
$asn->write_tree($fh);
close $fh;
