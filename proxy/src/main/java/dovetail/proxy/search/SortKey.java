package dovetail.proxy.search;

/** One sort criterion of RFC 5256 §3 (and RFC 5957's DISPLAYFROM/DISPLAYTO), perhaps reversed. */
record SortKey(Criterion criterion, boolean reverse) {
  enum Criterion { ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, DISPLAYFROM, DISPLAYTO }
}
