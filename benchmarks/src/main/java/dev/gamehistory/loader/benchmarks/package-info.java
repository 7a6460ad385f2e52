/** JMH benchmarks of the engine per strategy over the in-memory backend. */
@NullMarked
package dev.gamehistory.loader.benchmarks;

import org.jspecify.annotations.NullMarked;
