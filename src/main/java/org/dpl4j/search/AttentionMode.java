package org.dpl4j.search;

/** How the supernet evaluates a block's candidate mixture. */
public enum AttentionMode {
    /** One shared attention plus n extra key columns per candidate (docs/design.md §5). The default. */
    FUSED,
    /** One full attention per candidate, as the reference code does; kept as the reference. */
    NAIVE
}
