package ninja.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** A command about a model (data, init, check, train, eval): the model's options and the output, as every one has. */
abstract class ModelCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Mixin
    Output output;
}
