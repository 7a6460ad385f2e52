/**
 * The {@code hgl} command line: {@code load}, {@code backfill}, {@code seed}, {@code explain}, {@code bench} and
 * {@code compare} over the in-memory and BigQuery backends. {@link dev.gamehistory.loader.cli.Hgl} is its entry point;
 * everything else is package-private.
 */
@NullMarked
package dev.gamehistory.loader.cli;

import org.jspecify.annotations.NullMarked;
