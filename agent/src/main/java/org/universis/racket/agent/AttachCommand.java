package org.universis.racket.agent;

import com.sun.tools.attach.VirtualMachine;
import java.io.PrintStream;

/**
 * {@code java -jar racket.jar attach <pid> [k=v,...]}: loads the agent into a running JVM. The
 * command line ({@code RacketCli}) parses the arguments and calls this, in the application class
 * loader, which alone sees the JDK's attach module.
 * From JDK 21 on the target JVM prints a warning about dynamically loaded agents (JEP 451) unless it
 * was started with {@code -XX:+EnableDynamicAgentLoading}; {@code -javaagent} is the supported path.
 */
final class AttachCommand {

  static final String USAGE = "usage: java -jar racket.jar attach <pid> [url=...,mode=...,name=...]";

  private AttachCommand() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length < 2 || args.length > 3 || !args[0].equals("attach")) {
      err.println(USAGE);
      return 2;
    }
    String pid = args[1];
    if (!pid.chars().allMatch(Character::isDigit)) {
      err.println("'" + pid + "' is not a process id; " + USAGE);
      return 2;
    }
    try {
      String jar = RacketAgent.agentJar().toString();
      VirtualMachine vm = VirtualMachine.attach(pid);
      try {
        vm.loadAgent(jar, args.length == 3 ? args[2] : "");
      } finally {
        vm.detach();
      }
      out.println("racket-agent: loaded into " + pid);
      return 0;
    } catch (Exception e) {
      err.println("racket-agent: cannot attach to " + pid + ": " + e);
      return 1;
    }
  }
}
