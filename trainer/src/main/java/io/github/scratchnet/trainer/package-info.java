/**
 * Training: IDX datasets (MNIST, Fashion-MNIST) and fetching MNIST, the Trainer (the book's
 * common/trainer.py), the history of a run, checkpoints that resume a run exactly, and the
 * descriptions of networks and settings a checkpoint stores.
 */
package io.github.scratchnet.trainer;
