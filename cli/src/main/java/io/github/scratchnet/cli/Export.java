package io.github.scratchnet.cli;

import io.github.scratchnet.core.DType;
import io.github.scratchnet.layers.Sequential;
import io.github.scratchnet.onnx.OnnxExport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = Scratchnet.Version.class,
        description = {"Write trained params as an ONNX model (opset 13, float32, a symbolic batch) that any ONNX "
                + "runtime serves: input 'input' (N, 1, 28, 28), outputs 'logits' (N, 10) and 'probabilities'."})
final class Export implements Callable<Integer> {
    @Mixin
    Common.Options common;

    @Mixin
    Common.Model model;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--onnx", required = true, paramLabel = "FILE", description = "The ONNX file to write.")
    Path onnx;

    @Override
    public Integer call() throws Exception {
        List<Sequential> nets = model.load(DType.FLOAT32);
        if (nets.size() != 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "export takes one --params file, got " + nets.size());
        }
        OnnxExport.write(nets.get(0), onnx);
        System.out.println("wrote " + onnx + " (" + nets.get(0).layers().size() + " layers, "
                + String.format("%,d", nets.get(0).params().count()) + " parameters)");
        return 0;
    }
}
