/** The starter's implementation: reading settings from the Spring environment, the backend view, the failure analyzer. */
@NullMarked
@Internal
package dev.gamehistory.loader.spring.internal;

import dev.gamehistory.loader.annotations.Internal;
import org.jspecify.annotations.NullMarked;
