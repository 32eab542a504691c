import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { ExperimentReport } from '../experiments/report';
import { ExperimentReportType } from '../schema/experiment.type';
import { Recommendations } from '../schema/recommendation.type';
import { listCost } from './fieldCost';
import { assertAdmin } from './authz';
import type { GatewayContext } from './context';

export function toReportType(report: ExperimentReport): ExperimentReportType {
  return {
    ...report,
    comparisons: report.comparisons.map((c) => ({ ...c, moreShoppersNeeded: Number.isFinite(c.moreShoppersNeeded) ? c.moreShoppersNeeded : null })),
    series: report.series.map((p) => ({ ...p, at: new Date(p.at) })),
  };
}

@Resolver()
export class ExperimentsResolver {
  @Query(() => ExperimentReportType, {
    description:
      'What the arms of an experiment did: lists, clicks, add-to-carts, purchases, revenue, rates with 95 % intervals, each arm against the control, a verdict. Default: the running experiment ("none": lists outside any). Admin only where auth is on.',
    complexity: listCost(50),
  })
  async experimentReport(
    @Arg('experiment', () => String, { nullable: true }) experiment: string | null,
    @Ctx() { services, viewer }: GatewayContext,
  ): Promise<ExperimentReportType> {
    assertAdmin(viewer);
    return toReportType(await services.experiments.report(experiment));
  }
}

@Resolver(() => Recommendations)
export class ListIdResolver {
  @FieldResolver(() => String, {
    description: 'This version of the list in its experiment arm: send it back as fromRecommendation.listId with the events it leads to',
  })
  listId(@Root() recs: Recommendations, @Ctx() { services }: GatewayContext): string {
    return services.experiments.listId(recs);
  }
}
