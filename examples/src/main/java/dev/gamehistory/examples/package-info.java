/**
 * Examples of the library: the README {@link dev.gamehistory.examples.Quickstart}, the game-day
 * coordinator ({@code coordinator}) and the {@code hgl} command line ({@code cli}).
 */
@NullMarked
package dev.gamehistory.examples;

import org.jspecify.annotations.NullMarked;
