/**
 * Examples of the library: the README {@link dev.gamehistory.examples.Quickstart} and
 * {@link dev.gamehistory.examples.RepeatedLoads}, and the game-day coordinator ({@code coordinator}).
 */
@NullMarked
package dev.gamehistory.examples;

import org.jspecify.annotations.NullMarked;
