/// The Common Expression Language (google/cel-spec `doc/langdef.md`) over plain values:
/// Tollgate's policies use it for conditions the built-in checks do not cover.
public enum CEL {}
