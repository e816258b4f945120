/**
 * What an image deploy registers, with no I/O: a task definition copied into a registration request field by field,
 * found by reflection over the SDK's public accessors, and which services share which new revision.
 */
package io.github.ecsrollout.internal.image;
