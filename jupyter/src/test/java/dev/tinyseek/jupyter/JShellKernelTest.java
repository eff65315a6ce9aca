package dev.tinyseek.jupyter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageContext;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/// The kernel's answer to an `execute_request`, as Jupyter would see it on its channels, without
/// ZeroMQ: the reply environment records what the kernel publishes (iopub) and replies (shell).
class JShellKernelTest {

    private static JShellKernel kernel;

    @BeforeAll
    static void start() {
        kernel = new JShellKernel(List.of());
        kernel.runScript(JShellKernel.DEFAULT_IMPORTS);
        kernel.onStartup();
    }

    @AfterAll
    static void stop() {
        kernel.onShutdown(false);
    }

    /// What one execute_request produced, in order.
    private record Run(List<Message<?>> published, List<Message<?>> replies) {
        String stdout() {
            return stream(PublishStream.StreamType.OUT);
        }

        String stderr() {
            return stream(PublishStream.StreamType.ERR);
        }

        private String stream(PublishStream.StreamType type) {
            return published.stream().map(Message::getContent).filter(c -> c instanceof PublishStream s && s.getStreamType() == type)
                    .map(c -> ((PublishStream) c).getText()).collect(Collectors.joining());
        }

        List<Object> results() {
            return published.stream().map(Message::getContent).filter(c -> c instanceof PublishExecuteResult).map(c -> (Object) c).toList();
        }

        Object reply() {
            assertThat(replies).hasSize(1);
            return replies.getFirst().getContent();
        }
    }

    /// Records instead of sending; defers as the real one does and resolves at the end.
    private static final class Recorder extends ShellReplyEnvironment {
        final List<Message<?>> published = new ArrayList<>(), replies = new ArrayList<>();
        private boolean deferNext;
        private final List<Runnable> deferred = new ArrayList<>();

        Recorder(MessageContext context) {
            super(null, null, null, context);
        }

        @Override
        public ShellReplyEnvironment defer() {
            deferNext = true;
            return this;
        }

        @Override
        public void defer(Runnable action) {
            deferred.addFirst(action);
        }

        @Override
        public void publish(Message<?> msg) {
            act(() -> published.add(msg));
        }

        @Override
        public void reply(Message<?> msg) {
            act(() -> replies.add(msg));
        }

        private void act(Runnable r) {
            if (deferNext) {
                deferNext = false;
                deferred.addFirst(r);
            } else {
                r.run();
            }
        }

        @Override
        public void resolveDeferrals() {
            while (!deferred.isEmpty()) {
                deferred.removeFirst().run();
            }
        }
    }

    private static Run execute(String code) {
        Message<ExecuteRequest> request = new Message<>(new Header<>(MessageType.EXECUTE_REQUEST), new ExecuteRequest(code, false, true,
                Map.of(), false, true));
        Recorder env = new Recorder(request);
        kernel.handleExecuteRequest(env, request);
        env.resolveDeferrals();
        return new Run(env.published, env.replies);
    }

    @Test
    void printedTextComesBackAsTheStdoutStreamAndTheReplyIsOk() {
        Run r = execute("System.out.println(\"hello\");\nSystem.err.println(\"careful\");");
        assertThat(r.stdout()).isEqualTo("hello\n");
        assertThat(r.stderr()).isEqualTo("careful\n");
        assertThat(r.reply()).isInstanceOf(ExecuteReply.class);
        assertThat(r.results()).isEmpty();
    }

    @Test
    void theLastExpressionIsShownAsTextAndStateCarriesOverBetweenCells() {
        execute("int x = 20;");
        Run r = execute("int y = x + 1;\ny * 2");
        assertThat(r.results()).hasSize(1);
        assertThat(((DisplayData) r.results().getFirst()).getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN))
                .isEqualTo("42");
    }

    @Test
    void printfShowsWhatItPrintsAndNotThePrintStreamItReturns() {
        Run r = execute("System.out.printf(\"loss %.2f%n\", 0.5)");
        assertThat(r.stdout()).isEqualTo("loss 0.50\n");
        assertThat(r.results()).isEmpty();
        assertThat(r.reply()).isInstanceOf(ExecuteReply.class);
        // an object without toString shows nothing either; one with it shows its text
        assertThat(execute("new Object()").results()).isEmpty();
        assertThat(execute("java.util.List.of(1, 2)").results()).hasSize(1);
    }

    @Test
    void textWithoutANewlineIsSentWhenTheCellEnds() {
        assertThat(execute("System.out.print(\"no newline\");").stdout()).isEqualTo("no newline");
    }

    @Test
    void anExceptionIsAnErrorReplyNamingItAndTheSnippet() {
        Run r = execute("System.out.println(\"before\");\nif (true) throw new IllegalStateException(\"boom\");");
        assertThat(r.stdout()).isEqualTo("before\n");
        assertThat(r.reply()).isInstanceOf(ErrorReply.class);
        PublishError e = (PublishError) r.published.stream().map(Message::getContent).filter(c -> c instanceof PublishError)
                .findFirst().orElseThrow();
        assertThat(String.join("\n", e.getStacktrace())).contains("java.lang.IllegalStateException: boom")
                .contains("throw new IllegalStateException");
    }

    @Test
    void codeThatDoesNotCompileIsAnErrorWithTheCompilersMessage() {
        Run r = execute("int z = \"text\";");
        assertThat(r.reply()).isInstanceOf(ErrorReply.class);
        assertThat(((ErrorReply) r.reply()).getErrorMessage()).startsWith("does not compile: int z = \"text\";")
                .contains("incompatible types");
    }

    @Test
    void onlyTheClasspathMagicIsKnown() {
        Run missing = execute("%classpath /no/such.jar\n1 + 1");
        assertThat(missing.stderr()).contains("%classpath: no /no/such.jar");
        assertThat(missing.reply()).isInstanceOf(ExecuteReply.class);
        assertThat(execute("%time 1 + 1").reply()).isInstanceOf(ErrorReply.class);
    }

    @Test
    void bareReferencesAreRecognisedAndOrdinaryValuesAreNot() {
        assertThat(JShellKernel.isBareReference("java.io.PrintStream@1b6d3586")).isTrue();
        assertThat(JShellKernel.isBareReference("REPL.$JShell$12$Foo@7a81197d")).isTrue();
        assertThat(JShellKernel.isBareReference("\"a@b\"")).isFalse();
        assertThat(JShellKernel.isBareReference("[1, 2]")).isFalse();
        assertThat(JShellKernel.isBareReference("user@example.com")).isFalse();
    }

    @Test
    void completionAndCompletenessComeFromJShell() {
        assertThat(kernel.isComplete("for (int i = 0; i < 3; i++) {")).isEqualTo("    ");
        assertThat(kernel.isComplete("int a = 1;")).isEqualTo(JShellKernel.IS_COMPLETE_YES);
        assertThat(kernel.complete("String s = \"x\"; s.toUpp", 23).getReplacements()).contains("toUpperCase(");
    }
}
