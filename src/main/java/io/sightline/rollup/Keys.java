package io.sightline.rollup;

/** 64-bit keys of the dedupe state: splitmix64 finalizers over the site and visitor id, and over a 64-bit FNV-1a hash of a value. */
final class Keys {
  private Keys() {
  }

  static long visitor(int site, long visitorId) {
    return mix(visitorId ^ mix(site));
  }

  /** A (dimension, value) pair of one visitor, within its {@link DedupeState.Visitor} table. */
  static long value(short dim, String value) {
    return mix(dim * 0x9E3779B97F4A7C15L ^ fnv(value));
  }

  /** (page, session attribute value) of one visitor, for the first-occurrence flags; {@code pageHash} = {@link #fnv} of the page. */
  static long pageValue(short attributeDim, long pageHash, String attributeValue) {
    return mix((1000 + attributeDim) * 0x9E3779B97F4A7C15L ^ pageHash) + mix(fnv(attributeValue) ^ 0x2545F4914F6CDD1DL);
  }

  /** (row value, attribute value) of one visitor for the drill rows of {@code code} ({@link RollupDim#drillCode}); {@code valueHash} = {@link #fnv} of the row value. */
  static long among(short code, long valueHash, String attributeValue) {
    return mix((3000 + code) * 0x9E3779B97F4A7C15L ^ valueHash) + mix(fnv(attributeValue) ^ 0x2545F4914F6CDD1DL);
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static long fnv(String s) {
    if (s == null) {
      return 0x5bd1e9955bd1e995L;
    }
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }
}
