/** The golden master of the rollout engine: scenarios through the public API, compared with recorded transcripts. */
package io.github.ecsrollout.golden;
