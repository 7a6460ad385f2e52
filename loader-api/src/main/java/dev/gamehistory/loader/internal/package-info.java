/**
 * The implementation, by concern: {@code engine}, {@code settings} (parsing), {@code batching},
 * {@code concurrent}, {@code text}; {@link dev.gamehistory.loader.internal.Internals} is the one seam
 * the public types call. Not API, may change in any release.
 */
@NullMarked
@Internal
package dev.gamehistory.loader.internal;

import dev.gamehistory.loader.annotations.Internal;
import org.jspecify.annotations.NullMarked;
