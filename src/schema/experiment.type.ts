import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An estimate with its 95 % interval' })
export class Estimate {
  @Field(() => Float)
  estimate!: number;

  @Field(() => Float)
  low!: number;

  @Field(() => Float)
  high!: number;
}

@ObjectType()
abstract class ListFigures {
  @Field(() => Int, { description: 'Lists delivered (a version counts once per shopper, by query or push)' })
  lists!: number;

  @Field(() => Int, { description: 'Items shown in those lists' })
  items!: number;

  @Field(() => Int, { description: 'Views from a list' })
  clicks!: number;

  @Field(() => Int, { description: 'Add-to-carts of a clicked product within the attribution window' })
  carts!: number;

  @Field(() => Int, { description: 'Purchased lines of a clicked product within the attribution window' })
  purchases!: number;

  @Field(() => Float, { description: 'Price x quantity of those lines' })
  revenue!: number;
}

@ObjectType({ description: "What one strategy's lists did within an arm" })
export class StrategyFigures extends ListFigures {
  @Field(() => String)
  strategy!: string;
}

@ObjectType({ description: 'One arm of an experiment' })
export class ArmFigures extends ListFigures {
  @Field(() => String)
  arm!: string;

  @Field(() => [StrategyFigures])
  strategies!: StrategyFigures[];

  @Field(() => Int, { description: 'Shoppers who received at least one list' })
  shoppers!: number;

  @Field(() => Int, { description: 'Of them, shoppers who clicked a recommended item' })
  clickers!: number;

  @Field(() => Int, { description: 'Of them, shoppers who bought a clicked item within the window' })
  buyers!: number;

  @Field(() => Estimate, { description: 'clickers / shoppers, 95 % Wilson interval' })
  clickThrough!: Estimate;

  @Field(() => Estimate, { description: 'buyers / shoppers, 95 % Wilson interval' })
  conversion!: Estimate;

  @Field(() => Float, { description: 'Clicks per item shown' })
  itemClickRate!: number;
}

@ObjectType({ description: 'An arm against the control on one rate' })
export class ArmComparison {
  @Field(() => String)
  arm!: string;

  @Field(() => String)
  control!: string;

  @Field(() => String, { description: 'clickThrough or conversion' })
  metric!: string;

  @Field(() => Estimate, { nullable: true, description: 'Arm minus control, 95 % always-valid interval; null while an arm has no shoppers' })
  difference!: Estimate | null;

  @Field(() => String, { nullable: true, description: 'The arm that wins on this rate; null: no difference yet' })
  winner!: string | null;

  @Field(() => Int, { nullable: true, description: 'About how many more shoppers until a difference this large is told apart (null: nothing to estimate)' })
  moreShoppersNeeded!: number | null;

  @Field(() => String)
  verdict!: string;
}

@ObjectType({ description: 'Cumulative per-shopper figures of an arm up to a time bucket (RECSYS_EXPERIMENT_BUCKET_MS wide, default 5 minutes)' })
export class ExperimentPoint {
  @Field(() => Date)
  at!: Date;

  @Field(() => String)
  arm!: string;

  @Field(() => Int)
  shoppers!: number;

  @Field(() => Int)
  clickers!: number;

  @Field(() => Int)
  buyers!: number;
}

@ObjectType('ExperimentReport', { description: 'What the arms of an experiment did, with intervals and a verdict' })
export class ExperimentReportType {
  @Field(() => String)
  experiment!: string;

  @Field(() => String, { description: 'The statistical method, in words' })
  method!: string;

  @Field(() => [ArmFigures], { description: 'The first is the control' })
  arms!: ArmFigures[];

  @Field(() => [ArmComparison])
  comparisons!: ArmComparison[];

  @Field(() => String)
  verdict!: string;

  @Field(() => String, { nullable: true, description: 'The arm that wins on conversion, if one does yet' })
  winner!: string | null;

  @Field(() => [ExperimentPoint])
  series!: ExperimentPoint[];
}
