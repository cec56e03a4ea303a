package io.azlhsm.copytool.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The copytool's layers, as rules over the packages below one root (the product's, or a test's fixture that crosses
 * them on purpose). From the bottom:
 * <ol>
 *   <li>{@code lustre}, {@code pipeline}, {@code archive}, {@code config}, {@code metrics}, {@code limits},
 *       {@code ownership}: the binding, the ring, the backends and what configures and measures them;</li>
 *   <li>{@code operations}: one HSM action from begin to end;</li>
 *   <li>{@code agent} (the daemon) and {@code jobs} (import, export, check, ...), which never use each other: what
 *       both need sits below them;</li>
 *   <li>{@code cli}, which composes the rest.</li>
 * </ol>
 * No two top-level packages depend on each other in a cycle, and the product never uses the simulator's code.
 */
final class CopytoolLayers {
    static final List<String> BOTTOM = List.of("lustre", "pipeline", "archive", "config", "metrics", "limits",
            "ownership");

    private CopytoolLayers() {
    }

    static List<ArchRule> rules(String root) {
        List<ArchRule> rules = new ArrayList<>();
        for (String bottom : BOTTOM) {
            rules.add(noClasses().that().resideInAPackage(root + "." + bottom + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(packages(root, "operations", "agent", "jobs",
                            "cli"))
                    .because(bottom + " is below the actions, the agent, the jobs and the command line"));
        }
        rules.add(noClasses().that().resideInAPackage(root + ".operations..")
                .should().dependOnClassesThat().resideInAnyPackage(packages(root, "agent", "jobs", "cli"))
                .because("one action's flow is used by the agent and the jobs, never the other way round"));
        rules.add(noClasses().that().resideInAPackage(root + ".agent..")
                .should().dependOnClassesThat().resideInAnyPackage(packages(root, "jobs", "cli"))
                .because("the daemon runs without the jobs and the command line; the command line composes them"));
        rules.add(noClasses().that().resideInAPackage(root + ".jobs..")
                .should().dependOnClassesThat().resideInAnyPackage(packages(root, "agent", "cli"))
                .because("a job runs on any node without an agent; what both need sits below them"));
        rules.add(noClasses().that().resideInAPackage(root + "..")
                .should().dependOnClassesThat().resideInAPackage("io.azlhsm.testcluster..")
                .because("the product path is the test path: only the loaded liblustreapi differs"));
        rules.add(slices().matching(root + ".(*)..").should().beFreeOfCycles());
        return rules;
    }

    private static String[] packages(String root, String... names) {
        return java.util.Arrays.stream(names).map(name -> root + "." + name + "..").toArray(String[]::new);
    }
}
